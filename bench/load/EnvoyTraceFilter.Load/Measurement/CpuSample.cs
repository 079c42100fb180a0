namespace EnvoyTraceFilter.Load.Measurement;

/// <summary>CPU clock ticks of the server, of this process and of the whole machine at one instant.</summary>
internal readonly record struct CpuSample(long Server, long Self, long MachineBusy, long MachineTotal)
{
    public static CpuSample Take(int serverPid)
    {
        var (busy, total) = ProcFs.MachineTicks();
        return new CpuSample(
            serverPid > 0 ? ProcFs.ProcessCpuTicks(serverPid) ?? 0 : 0,
            ProcFs.ProcessCpuTicks(Environment.ProcessId) ?? 0,
            busy,
            total);
    }
}

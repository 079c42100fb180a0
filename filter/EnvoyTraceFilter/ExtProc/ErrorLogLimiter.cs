using EnvoyTraceFilter.Telemetry;

namespace EnvoyTraceFilter.ExtProc;

/// <summary>One <see cref="LogLimiter"/> per kind of stream error; the interval comes from the current configuration.</summary>
public sealed class ErrorLogLimiter(TimeProvider time)
{
    private readonly LogLimiter[] _limiters = [.. Enum.GetValues<ErrorKind>().Select(_ => new LogLimiter(time, TimeSpan.Zero))];

    public bool ShouldLog(ErrorKind kind, TimeSpan interval) => _limiters[(int)kind].TryAcquire(interval, out _);
}

namespace EnvoyTraceFilter.Load.Measurement;

/// <summary>
/// What one connection (or the open-loop dispatcher) observed: per-phase latency of the requests that started
/// and finished inside the measured window, and errors by kind. Written by one thread only; merged at the end.
/// </summary>
internal sealed class LoadMeter
{
    public LatencyHistogram RequestPhase { get; } = new();

    public LatencyHistogram ResponsePhase { get; } = new();

    public LatencyHistogram Total { get; } = new();

    public Dictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>Phases slower than Envoy's message_timeout in envoy.yaml (Envoy would have given up on them).</summary>
    public long PhasesOverMessageTimeout { get; set; }

    public void Error(string kind) => Errors[kind] = Errors.GetValueOrDefault(kind) + 1;

    public void Add(LoadMeter other)
    {
        RequestPhase.Add(other.RequestPhase);
        ResponsePhase.Add(other.ResponsePhase);
        Total.Add(other.Total);
        PhasesOverMessageTimeout += other.PhasesOverMessageTimeout;
        foreach (var (kind, count) in other.Errors)
        {
            Errors[kind] = Errors.GetValueOrDefault(kind) + count;
        }
    }
}

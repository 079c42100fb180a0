namespace EnvoyTraceFilter.Admin;

/// <summary>
/// Starting → Ready (host started: configuration validated, first snapshot built, both listeners bound) →
/// Draining (SIGTERM). Only Ready answers /readyz with 200.
/// </summary>
public sealed class Readiness
{
    private const int Starting = 0, Ready = 1, Draining = 2;
    private int _state;

    public bool IsReady => Volatile.Read(ref _state) == Ready;

    public bool IsDraining => Volatile.Read(ref _state) == Draining;

    /// <summary>"starting", "ready" or "draining".</summary>
    public string Status => Volatile.Read(ref _state) switch
    {
        Ready => "ready",
        Draining => "draining",
        _ => "starting",
    };

    /// <summary>No effect once draining: a late start notification must not make a draining process ready again.</summary>
    public void MarkReady() => Interlocked.CompareExchange(ref _state, Ready, Starting);

    public void MarkDraining() => Volatile.Write(ref _state, Draining);
}

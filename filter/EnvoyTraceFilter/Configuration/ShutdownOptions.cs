namespace EnvoyTraceFilter.Configuration;

/// <summary>Settings under <c>TraceFilter:Shutdown</c>: what SIGTERM does, in order (see Hosting/GracefulDrain).</summary>
public sealed class ShutdownOptions
{
    /// <summary>
    /// After SIGTERM, /readyz answers 503 while both listeners keep accepting for this long, so Kubernetes can take
    /// the pod out of the endpoints and Envoy can move new streams elsewhere before the listener goes away.
    /// </summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>After GOAWAY, how long streams in flight may take to finish before their connections are aborted.</summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromSeconds(20);
}

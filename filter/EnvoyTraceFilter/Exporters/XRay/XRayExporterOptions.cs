using EnvoyTraceFilter.Core.XRay;

namespace EnvoyTraceFilter.Exporters.XRay;

/// <summary>Settings under <c>TraceFilter:XRay</c>.</summary>
public sealed class XRayExporterOptions
{
    public const string SectionName = "TraceFilter:XRay";
    public const string DaemonAddressKey = SectionName + ":" + nameof(DaemonAddress);
    public const string DaemonAddressEnvironmentVariable = "AWS_XRAY_DAEMON_ADDRESS";

    /// <summary>Send segments to the X-Ray daemon.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// <c>host:port</c> or <c>tcp:host:port udp:host:port</c>. When unset, <c>AWS_XRAY_DAEMON_ADDRESS</c> is used,
    /// then <c>127.0.0.1:2000</c>: explicit configuration wins over the environment.
    /// </summary>
    public string? DaemonAddress { get; set; }

    /// <summary>Spans waiting to be sent; a full queue drops the new span (counted).</summary>
    public int QueueCapacity { get; set; } = 2048;

    /// <summary>
    /// How long the sending loop lets spans gather before it wakes. Zero (default): each span is sent as it comes.
    /// UDP has no back-pressure: spans held back and then sent as one burst can overflow the daemon's receive
    /// buffer (seen with a 100 ms delay: one segment in 253 lost to a local listener during a burst).
    /// </summary>
    public TimeSpan BatchDelay { get; set; } = TimeSpan.Zero;

    /// <summary>How long shutdown keeps sending what is queued before dropping the rest (counted).</summary>
    public TimeSpan ShutdownDrainTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a DNS-named daemon is re-resolved (a rescheduled daemon pod gets a new IP).</summary>
    public TimeSpan DnsRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Earliest re-resolution after a send or resolution failure, so a dead daemon can't flood DNS.</summary>
    public TimeSpan DnsRetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Upper bound on one DNS lookup; the sending loop waits for it.</summary>
    public TimeSpan DnsResolveTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Foreign trace ids whose epoch X-Ray would reject: dropped and counted by default.</summary>
    public XRayTraceIdPolicy TraceIdPolicy { get; set; } = XRayTraceIdPolicy.Drop;

    /// <summary>At most one log line per kind of per-span problem in this interval (the rest are counted in it).</summary>
    public TimeSpan LogInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whole-datagram cap (header + document).</summary>
    public int MaxDatagramBytes { get; set; } = XRaySegmentWriter.DefaultMaxDatagramBytes;

    /// <summary>The address text in force and where it came from, for parsing and error messages.</summary>
    internal (string Value, string Source) EffectiveDaemonAddress(Func<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(DaemonAddress))
        {
            return (DaemonAddress, DaemonAddressKey);
        }

        var fromEnvironment = environment(DaemonAddressEnvironmentVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment)
            ? (XRayDaemonAddress.DefaultValue, DaemonAddressKey)
            : (fromEnvironment, DaemonAddressEnvironmentVariable);
    }

    /// <summary>Parses the effective address; throws with the validator's message when it is malformed.</summary>
    internal XRayDaemonAddress ResolveDaemonAddress(Func<string, string?> environment)
    {
        var (value, source) = EffectiveDaemonAddress(environment);
        return XRayDaemonAddress.TryParse(value, out var address, out var error)
            ? address
            : throw new InvalidOperationException($"{source} {error}");
    }
}

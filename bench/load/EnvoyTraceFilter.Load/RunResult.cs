using System.Text.Json.Serialization;

namespace EnvoyTraceFilter.Load;

/// <summary>One run's figures; one JSON line each. Null = not measured.</summary>
internal sealed class RunResult
{
    public string Label { get; set; } = "";
    public string Mode { get; set; } = "";
    public int Connections { get; set; }
    public int Concurrency { get; set; }
    public double Rate { get; set; }
    public string Profile { get; set; } = "";
    public string Close { get; set; } = "";
    public double Seconds { get; set; }
    public long Completed { get; set; }
    public double Rps { get; set; }
    public long ErrorCount { get; set; }
    public Dictionary<string, long> Errors { get; set; } = [];
    public long PhasesOverMessageTimeout { get; set; }
    public double? ReqP50Us { get; set; }
    public double? ReqP90Us { get; set; }
    public double? ReqP99Us { get; set; }
    public double? ReqP999Us { get; set; }
    public double? RespP50Us { get; set; }
    public double? RespP90Us { get; set; }
    public double? RespP99Us { get; set; }
    public double? RespP999Us { get; set; }
    public double? TotalP50Us { get; set; }
    public double? TotalP90Us { get; set; }
    public double? TotalP99Us { get; set; }
    public double? TotalP999Us { get; set; }
    public double? TotalMaxUs { get; set; }
    public double? ServerCpuUsPerRequest { get; set; }
    public double? ServerCores { get; set; }
    public double? ClientCpuUsPerRequest { get; set; }
    public double? OtherCores { get; set; }
    public double? ServerAllocBytesPerRequest { get; set; }
    public double? ServerExceptionsPerRequest { get; set; }
    public double? ServerGcCount { get; set; }
    public double? ServerGen1Count { get; set; }
    public double? ServerGen2Count { get; set; }
    public double? CounterSeconds { get; set; }
    public string? CounterError { get; set; }
    [JsonPropertyName("server_peak_rss_mib")]
    public double? ServerPeakRssMiB { get; set; }

    [JsonIgnore]
    public string Summary =>
        $"{Label,-16} {Rps,8:F0} req/s  cpu {Show(ServerCpuUsPerRequest),6} µs/req  alloc {Show(ServerAllocBytesPerRequest),7} B/req  " +
        $"exc {Show(ServerExceptionsPerRequest),5}/req  req p50/p99 {Show(ReqP50Us)}/{Show(ReqP99Us)}  resp p50/p99 {Show(RespP50Us)}/{Show(RespP99Us)}  " +
        $"total p50/p90/p99/p99.9 {Show(TotalP50Us)}/{Show(TotalP90Us)}/{Show(TotalP99Us)}/{Show(TotalP999Us)} µs  " +
        $"rss {Show(ServerPeakRssMiB)} MiB  gc {Show(ServerGcCount)} (gen1 {Show(ServerGen1Count)}, gen2 {Show(ServerGen2Count)})  other cores {Show(OtherCores)}  " +
        $"errors {ErrorCount}" + (Errors.Count == 0 ? "" : " " + string.Join(", ", Errors.Select(e => $"{e.Key}={e.Value}")));

    private static string Show(double? value) => value is null ? "-" : value.Value.ToString(value.Value >= 100 ? "F0" : "F1", System.Globalization.CultureInfo.InvariantCulture);
}

namespace EnvoyTraceFilter.Load.Faults;

/// <summary>One collector condition the filter runs under in `faults`.</summary>
internal sealed record FaultMode(string Name, string Title)
{
    public static readonly string[] DefaultNames =
        ["healthy", "zipkin-hang", "zipkin-500", "zipkin-slow", "zipkin-refused", "xray-dead", "xray-unresolvable"];

    public static FaultMode Get(string name) => name switch
    {
        "healthy" => new(name, "both collectors answer (202 / UDP read)"),
        "zipkin-hang" => new(name, "Zipkin reads each POST, never answers (ExportTimeout 10 s, default)"),
        "zipkin-500" => new(name, "Zipkin answers 500 to every POST"),
        "zipkin-slow" => new(name, "Zipkin holds each POST 3 s, then 202"),
        "zipkin-refused" => new(name, "Zipkin port closed (connection refused)"),
        "xray-dead" => new(name, "X-Ray daemon port closed (ICMP port unreachable)"),
        "xray-unresolvable" => new(name, "X-Ray daemon name does not resolve (xray-daemon.invalid)"),
        _ => throw new ArgumentException($"unknown fault mode '{name}' ({string.Join(", ", DefaultNames)})"),
    };
}

namespace EnvoyTraceFilter.Load.Suite;

/// <summary>One server configuration of the suite: the null server or the filter with a set of settings.</summary>
internal sealed record Scenario(string Name, string Title, bool IsNull, IReadOnlyDictionary<string, string> Settings)
{
    public static readonly string[] DefaultNames = ["null", "translate", "hop-unsampled", "hop-default", "hop-sampled"];

    public static Scenario Get(string name) => name switch
    {
        "null" => new(name, "null server, early finish", true, new Dictionary<string, string>()),
        "translate" => new(name, "TranslateOnly, exporters off", false, new Dictionary<string, string>
        {
            ["TraceFilter__Propagation__Mode"] = "TranslateOnly",
            ["TraceFilter__Zipkin__Enabled"] = "false",
            ["TraceFilter__XRay__Enabled"] = "false",
        }),
        "hop-unsampled" => new(name, "Hop, unsampled", false, new Dictionary<string, string>
        {
            ["TraceFilter__Sampling__Strategy"] = "Never",
            ["TraceFilter__Sampling__TrustIncoming"] = "Never",
        }),
        // Shipped sampling (X-Ray rules, incoming decisions trusted): the mission's ;o=1 requests are all sampled.
        "hop-default" => new(name, "Hop, default config (exports)", false, new Dictionary<string, string>()),
        "hop-sampled" => new(name, "Hop, 100 % sampled, Zipkin + X-Ray", false, new Dictionary<string, string>
        {
            ["TraceFilter__Sampling__Strategy"] = "Always",
            // Cloud Trace ids carry no X-Ray epoch; send them anyway so every span reaches both exporters.
            ["TraceFilter__XRay__TraceIdPolicy"] = "Passthrough",
            ["TraceFilter__ClientIdentity__TrustedHops"] = "1",
            ["TraceFilter__Naming__Rules__0__Pattern"] = "*.example.com",
        }),
        _ => throw new ArgumentException($"unknown scenario '{name}' ({string.Join(", ", DefaultNames)})"),
    };
}

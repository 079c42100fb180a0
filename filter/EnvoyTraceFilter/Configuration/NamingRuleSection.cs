namespace EnvoyTraceFilter.Configuration;

public sealed class NamingRuleSection
{
    /// <summary>Host pattern: '*' any run of characters, '?' one character, case-insensitive, port ignored.</summary>
    public string? Pattern { get; set; }

    /// <summary>Fixed service name; empty means "the host itself".</summary>
    public string? Name { get; set; }
}

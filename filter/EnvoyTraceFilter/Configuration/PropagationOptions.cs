namespace EnvoyTraceFilter.Configuration;

public sealed class PropagationOptions
{
    /// <summary>Formats read, highest precedence first. Null means B3Single, B3Multi, TraceParent, XRay, CloudTrace.</summary>
    public string[]? Precedence { get; set; }

    /// <summary>Formats written. Null means B3Multi, B3Single, TraceParent.</summary>
    public string[]? Outputs { get; set; }

    /// <summary>"Hop" (mint this hop's span) or "TranslateOnly" (fill in missing formats only).</summary>
    public string Mode { get; set; } = "Hop";
}

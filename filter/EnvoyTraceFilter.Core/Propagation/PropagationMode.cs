namespace EnvoyTraceFilter.Core.Propagation;

public enum PropagationMode : byte
{
    /// <summary>The filter is a hop: it mints a span id, the incoming span becomes the parent.</summary>
    Hop = 0,

    /// <summary>Only fills in missing formats from the incoming context; mints nothing, never rewrites a valid header.</summary>
    TranslateOnly = 1,
}

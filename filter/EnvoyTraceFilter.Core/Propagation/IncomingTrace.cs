namespace EnvoyTraceFilter.Core.Propagation;

/// <summary>What the request carried: the winning context (if any), which formats were present and which were rejected.</summary>
public readonly struct IncomingTrace
{
    public IncomingTrace(TraceContext? context, SamplingDecision sampling, TraceFormatSet present, TraceFormatSet valid, TraceRejects rejects,
        TraceFormatSet withIds)
    {
        WithIds = withIds;
        Context = context;
        Sampling = sampling;
        Present = present;
        Valid = valid;
        Rejects = rejects;
    }

    /// <summary>The highest-precedence valid context that carries a trace id; null when none did.</summary>
    public TraceContext? Context { get; }

    /// <summary>
    /// The incoming sampling decision: the winning context's, or that of a higher-ranked sampling-only B3
    /// header (<c>b3: 0</c>), which exists precisely to carry a decision without ids.
    /// </summary>
    public SamplingDecision Sampling { get; }

    /// <summary>Formats whose header(s) were present, valid or not.</summary>
    public TraceFormatSet Present { get; }

    /// <summary>Formats whose header(s) parsed (including sampling-only B3).</summary>
    public TraceFormatSet Valid { get; }

    /// <summary>
    /// Formats that parsed and carried ids: what translate-only leaves alone. A lone <c>x-b3-sampled</c>,
    /// <c>x-b3-flags</c> or <c>b3: 0</c> is valid but not here, so the B3 ids are filled in around its decision.
    /// </summary>
    public TraceFormatSet WithIds { get; }

    public TraceRejects Rejects { get; }

    public bool SamplingRequested => Context is { SamplingRequested: true };
}

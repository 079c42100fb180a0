namespace EnvoyTraceFilter.Core.Propagation;

/// <summary>Compiled propagation settings (one immutable snapshot per configuration version).</summary>
public sealed class PropagationSettings
{
    public static readonly TraceFormat[] DefaultPrecedence =
        [TraceFormat.B3Single, TraceFormat.B3Multi, TraceFormat.TraceParent, TraceFormat.XRay, TraceFormat.CloudTrace];

    public static readonly TraceFormat[] DefaultOutputs = [TraceFormat.B3Multi, TraceFormat.B3Single, TraceFormat.TraceParent];

    public PropagationSettings(IReadOnlyList<TraceFormat>? precedence = null, IReadOnlyList<TraceFormat>? outputs = null,
        PropagationMode mode = PropagationMode.Hop)
    {
        Precedence = [.. precedence ?? DefaultPrecedence];
        Outputs = TraceFormatSet.Of(outputs ?? DefaultOutputs);
        Mode = mode;
    }

    public TraceFormat[] Precedence { get; }

    public TraceFormatSet Outputs { get; }

    public PropagationMode Mode { get; }
}

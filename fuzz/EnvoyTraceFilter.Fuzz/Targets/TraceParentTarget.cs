using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Fuzz.Targets;

/// <summary>W3C <c>traceparent</c>: the whole input is the value.</summary>
internal static class TraceParentTarget
{
    public static void Run(ReadOnlySpan<byte> input)
    {
        var ok = TraceParentParser.TryParse(input, out var context, out var reason);
        RoundTrip.CheckOutcome(ok, context, reason, TraceFormat.TraceParent);
        if (ok)
        {
            PropertyViolation.Check(context.Sampling is SamplingDecision.Sampled or SamplingDecision.NotSampled,
                "traceparent: flags always carry a decision");
            RoundTrip.Check(context, TraceFormat.TraceParent);
        }
    }
}

using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Fuzz.Targets;

/// <summary>AWS <c>X-Amzn-Trace-Id</c>: the whole input is the value; the extra fields it echoes are checked too.</summary>
internal static class XRayTarget
{
    public static void Run(ReadOnlySpan<byte> input)
    {
        var ok = XRayTraceHeaderParser.TryParse(input, out var context, out var reason);
        RoundTrip.CheckOutcome(ok, context, reason, TraceFormat.XRay);

        // Accepted or not, measuring the extra fields never throws and fits the documented buffer.
        Span<byte> extras = new byte[input.Length + 1];
        var written = XRayTraceHeaderParser.WriteExtraFields(input, extras);
        PropertyViolation.Check(written <= input.Length + 1 && written <= XRayTraceHeaderParser.MaxExtraFieldsLength,
            "xray: extra fields larger than documented");
        PropertyViolation.Check(!context.SamplingRequested || context.Sampling == SamplingDecision.None,
            "xray: Sampled=? came with a decision");
        if (ok)
        {
            RoundTrip.Check(context, TraceFormat.XRay, input);
        }
    }
}

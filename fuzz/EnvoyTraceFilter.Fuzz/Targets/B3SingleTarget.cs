using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Fuzz.Targets;

/// <summary>The single <c>b3</c> header: the whole input is the value.</summary>
internal static class B3SingleTarget
{
    public static void Run(ReadOnlySpan<byte> input)
    {
        var ok = B3Parser.TryParseSingle(input, out var context, out var reason);
        RoundTrip.CheckOutcome(ok, context, reason, TraceFormat.B3Single);
        if (ok)
        {
            PropertyViolation.Check(input.Length <= B3Parser.SingleMaxLength, "b3: accepted a value over its cap");
            RoundTrip.Check(context, TraceFormat.B3Single);
        }
    }
}

using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Fuzz.Targets;

/// <summary>X-Cloud-Trace-Context: the whole input is the header value.</summary>
internal static class CloudTraceTarget
{
    public static void Run(ReadOnlySpan<byte> input)
    {
        var ok = CloudTraceContextParser.TryParse(input, out var context, out var reason);
        RoundTrip.CheckOutcome(ok, context, reason, TraceFormat.CloudTrace);
        if (ok)
        {
            RoundTrip.Check(context, TraceFormat.CloudTrace);
        }
    }
}

using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Fuzz.Targets;

/// <summary>The <c>x-b3-*</c> headers: records as in <see cref="HeaderRecords"/>, selector modulo the five names.</summary>
internal static class B3MultiTarget
{
    private static readonly KnownHeader[] Names =
        [KnownHeader.XB3TraceId, KnownHeader.XB3SpanId, KnownHeader.XB3ParentSpanId, KnownHeader.XB3Sampled, KnownHeader.XB3Flags];

    public static void Run(ReadOnlySpan<byte> input)
    {
        var headers = new HeaderSet();
        HeaderRecords.Read(input, Names, (name, value) => headers.Add(name, value));
        var ok = B3Parser.TryParseMulti(headers, out var context, out var reason);
        var any = Names.Any(headers.Contains);
        if (!any)
        {
            PropertyViolation.Check(!ok && reason == RejectReason.None, "b3 multi: no header present but not 'absent'");
            return;
        }

        RoundTrip.CheckOutcome(ok, context, reason, TraceFormat.B3Multi);
        if (ok)
        {
            RoundTrip.Check(context, TraceFormat.B3Multi);
        }
    }
}

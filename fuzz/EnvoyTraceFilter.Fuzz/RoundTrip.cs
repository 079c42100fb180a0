using System.Text;
using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Fuzz;

/// <summary>
/// The checks every trace format shares: a parse either succeeds with valid ids and no reason, or fails with a
/// reason and nothing else; an accepted context written back in its own format reads back the same.
/// </summary>
internal static class RoundTrip
{
    public static void CheckOutcome(bool ok, in TraceContext context, RejectReason reason, TraceFormat format)
    {
        if (!ok)
        {
            PropertyViolation.Check(reason != RejectReason.None, $"{format}: rejected without a reason");
            PropertyViolation.Check(context == default, $"{format}: rejected but returned a context");
            return;
        }

        PropertyViolation.Check(reason == RejectReason.None, $"{format}: accepted with reason {reason}");
        PropertyViolation.Check(context.Format == format, $"{format}: context says {context.Format}");
        PropertyViolation.Check(context.HasTraceId || format == TraceFormat.B3Single || format == TraceFormat.B3Multi,
            $"{format}: accepted without a trace id");
        PropertyViolation.Check(!context.HasTraceId || context.SpanId.IsValid || format == TraceFormat.XRay,
            $"{format}: trace id without a span id");
        PropertyViolation.Check(context.HasTraceId || (!context.SpanId.IsValid && !context.ParentSpanId.IsValid),
            $"{format}: span ids without a trace id");
        PropertyViolation.Check(!context.TraceId.Is64Bit || (context.TraceId.High == 0 && format is TraceFormat.B3Single or TraceFormat.B3Multi),
            $"{format}: 64-bit trace id with high bits or outside B3");
    }

    /// <summary>Writes <paramref name="context"/> in <paramref name="format"/> and parses it back.</summary>
    /// <param name="incomingXRay">The X-Ray header the context came from, so its extra fields are written back too.</param>
    public static void Check(in TraceContext context, TraceFormat format, ReadOnlySpan<byte> incomingXRay = default)
    {
        if (!context.HasTraceId)
        {
            return; // a sampling-only B3 header has nothing to write in any format
        }

        var incoming = new HeaderSet();
        if (!incomingXRay.IsEmpty)
        {
            incoming.Add(KnownHeader.XAmznTraceId, incomingXRay.ToArray());
        }

        var undecided = context.Sampling == SamplingDecision.None;
        var trace = new OutgoingTrace(context.TraceId, context.SpanId, context.ParentSpanId,
            context.Sampling is SamplingDecision.Sampled or SamplingDecision.Debug, context.Sampling == SamplingDecision.Debug)
        {
            Undecided = undecided,
            RandomTraceId = context.RandomTraceId,
        };
        var outputs = TraceFormatSet.Of([format]);
        var edits = new HeaderEdits(TraceHeaderWriter.Capacity(incoming, outputs));
        TraceHeaderWriter.Write(trace, incoming, outputs, TraceFormatSet.Empty, keepXRayExtras: !incomingXRay.IsEmpty, edits);

        var written = new HeaderSet();
        for (var i = 0; i < edits.SetCount; i++)
        {
            var name = edits.SetName(i);
            OutputFormats.CheckValue(name, edits.SetValue(i).Span);
            OutputFormats.CheckTraceHeader(name, Encoding.ASCII.GetString(edits.SetValue(i).Span));
            PropertyViolation.Check(KnownHeaders.TryLookup(name, out var known), $"{format}: wrote unknown header {name}");
            written.Add(known, edits.SetValue(i));
        }

        var again = Parse(format, written, out var reason);
        PropertyViolation.Check(again is not null, $"{format}: written value rejected on re-read ({reason}): {Describe(edits)}");
        var back = again!.Value;
        PropertyViolation.Check(back.TraceId == context.TraceId, $"{format}: trace id {context.TraceId} came back as {back.TraceId}");
        PropertyViolation.Check(back.SpanId == context.SpanId, $"{format}: span id {context.SpanId} came back as {back.SpanId}");
        PropertyViolation.Check(back.ParentSpanId == context.ParentSpanId, $"{format}: parent {context.ParentSpanId} came back as {back.ParentSpanId}");
        PropertyViolation.Check(back.Sampling == Expected(context, format), $"{format}: sampling {context.Sampling} came back as {back.Sampling}");
        PropertyViolation.Check(back.RandomTraceId == context.RandomTraceId, $"{format}: random-trace-id flag lost");

        if (format == TraceFormat.XRay)
        {
            // Echoed extra fields are a fixed point: written back, they are read and written again unchanged.
            var value = written.Get(KnownHeader.XAmznTraceId);
            Span<byte> first = stackalloc byte[incomingXRay.Length + 1];
            Span<byte> second = stackalloc byte[value.Length + 1];
            var n1 = XRayTraceHeaderParser.WriteExtraFields(incomingXRay, first);
            var n2 = XRayTraceHeaderParser.WriteExtraFields(value, second);
            PropertyViolation.Check(first[..n1].SequenceEqual(second[..n2]), "xray: extra fields changed on the second pass");
            PropertyViolation.Check(n1 <= XRayTraceHeaderParser.MaxExtraFieldsLength, "xray: extra fields exceed their cap");
        }
    }

    // Traceparent has no "undecided": its flags always say sampled or not.
    private static SamplingDecision Expected(in TraceContext context, TraceFormat format) =>
        format == TraceFormat.TraceParent && context.Sampling == SamplingDecision.None ? SamplingDecision.NotSampled : context.Sampling;

    public static TraceContext? Parse(TraceFormat format, in HeaderSet headers, out RejectReason reason)
    {
        TraceContext context;
        var ok = format switch
        {
            TraceFormat.B3Single => B3Parser.TryParseSingle(headers.Get(KnownHeader.B3), out context, out reason),
            TraceFormat.B3Multi => B3Parser.TryParseMulti(headers, out context, out reason),
            TraceFormat.TraceParent => TraceParentParser.TryParse(headers.Get(KnownHeader.TraceParent), out context, out reason),
            TraceFormat.XRay => XRayTraceHeaderParser.TryParse(headers.Get(KnownHeader.XAmznTraceId), out context, out reason),
            TraceFormat.CloudTrace => CloudTraceContextParser.TryParse(headers.Get(KnownHeader.XCloudTraceContext), out context, out reason),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        return ok ? context : null;
    }

    private static string Describe(HeaderEdits edits)
    {
        var text = new StringBuilder();
        for (var i = 0; i < edits.SetCount; i++)
        {
            text.Append(edits.SetName(i)).Append(": ").Append(Encoding.Latin1.GetString(edits.SetValue(i).Span)).Append("; ");
        }

        return text.ToString();
    }
}

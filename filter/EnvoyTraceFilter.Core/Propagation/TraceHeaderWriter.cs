using System.Buffers.Text;
using EnvoyTraceFilter.Core.Headers;

namespace EnvoyTraceFilter.Core.Propagation;

/// <summary>
/// Writes the outgoing formats. Every format is written whole or not at all; stale B3 fields that the new
/// context does not carry (parent, flags, sampled under debug) are removed so no half-valid set remains.
/// </summary>
public static class TraceHeaderWriter
{
    // Upper bounds of each format's values (X-Ray without its kept extra fields).
    private const int TraceIdHex = 32;
    private const int B3MultiMax = TraceIdHex + SpanId.HexLength + SpanId.HexLength + 1 + 1;
    private const int B3SingleMax = TraceIdHex + 1 + SpanId.HexLength + 2 + 1 + SpanId.HexLength;
    private const int TraceParentMax = 55;
    // Root=…;Parent=…;Sampled=… is at most 73 bytes; the writer reserves this much plus the kept extra fields.
    private const int XRayMax = 80;
    private const int CloudTraceMax = TraceIdHex + 1 + 20 + 3 + 1;

    /// <summary>
    /// Buffer size that always fits what <see cref="Write"/> may produce for these headers and outputs: sized per
    /// request, so the usual three outputs do not pay for the formats that are not written.
    /// </summary>
    public static int Capacity(in HeaderSet incoming, TraceFormatSet outputs)
    {
        var capacity = incoming.Get(KnownHeader.TraceState).Length;
        capacity += outputs.Contains(TraceFormat.B3Multi) ? B3MultiMax : 0;
        capacity += outputs.Contains(TraceFormat.B3Single) ? B3SingleMax : 0;
        capacity += outputs.Contains(TraceFormat.TraceParent) ? TraceParentMax : 0;
        capacity += outputs.Contains(TraceFormat.XRay) ? XRayMax + incoming.Get(KnownHeader.XAmznTraceId).Length : 0;
        capacity += outputs.Contains(TraceFormat.CloudTrace) ? CloudTraceMax : 0;
        return capacity;
    }

    /// <param name="outputs">Formats to write.</param>
    /// <param name="skip">Formats to leave alone (translate-only: those that arrived valid).</param>
    public static void Write(in OutgoingTrace trace, in HeaderSet incoming, TraceFormatSet outputs, TraceFormatSet skip,
        bool keepXRayExtras, HeaderEdits edits)
    {
        var hasSpan = trace.SpanId.IsValid;
        if (outputs.Contains(TraceFormat.B3Multi) && !skip.Contains(TraceFormat.B3Multi) && hasSpan)
        {
            WriteB3Multi(trace, incoming, edits);
        }

        if (outputs.Contains(TraceFormat.B3Single) && !skip.Contains(TraceFormat.B3Single) && hasSpan)
        {
            WriteB3Single(trace, edits);
        }

        if (outputs.Contains(TraceFormat.TraceParent) && !skip.Contains(TraceFormat.TraceParent) && hasSpan)
        {
            WriteTraceParent(trace, edits);
        }

        if (outputs.Contains(TraceFormat.TraceParent))
        {
            NormalizeTraceState(incoming, edits);
        }

        if (outputs.Contains(TraceFormat.XRay) && !skip.Contains(TraceFormat.XRay))
        {
            WriteXRay(trace, keepXRayExtras ? incoming.Get(KnownHeader.XAmznTraceId) : default, edits);
        }

        if (outputs.Contains(TraceFormat.CloudTrace) && !skip.Contains(TraceFormat.CloudTrace) && hasSpan)
        {
            WriteCloudTrace(trace, edits);
        }
    }

    private static void WriteB3Multi(in OutgoingTrace trace, in HeaderSet incoming, HeaderEdits edits)
    {
        var span = edits.Reserve(TraceIdHex);
        edits.Commit(KnownHeader.XB3TraceId, trace.TraceId.WriteNativeHex(span));
        trace.SpanId.WriteHex(edits.Reserve(SpanId.HexLength));
        edits.Commit(KnownHeader.XB3SpanId, SpanId.HexLength);

        if (trace.ParentSpanId.IsValid)
        {
            trace.ParentSpanId.WriteHex(edits.Reserve(SpanId.HexLength));
            edits.Commit(KnownHeader.XB3ParentSpanId, SpanId.HexLength);
        }
        else if (incoming.Contains(KnownHeader.XB3ParentSpanId))
        {
            edits.Remove(KnownHeader.XB3ParentSpanId);
        }

        // B3: "Debug implies an accept decision, so don't also send the X-B3-Sampled header."
        if (trace.Undecided)
        {
            // No decision to pass on: none is written, and a stale one is not left behind.
            if (incoming.Contains(KnownHeader.XB3Sampled))
            {
                edits.Remove(KnownHeader.XB3Sampled);
            }

            if (incoming.Contains(KnownHeader.XB3Flags))
            {
                edits.Remove(KnownHeader.XB3Flags);
            }
        }
        else if (trace.Debug)
        {
            edits.Set(KnownHeader.XB3Flags, "1"u8);
            if (incoming.Contains(KnownHeader.XB3Sampled))
            {
                edits.Remove(KnownHeader.XB3Sampled);
            }
        }
        else
        {
            edits.Set(KnownHeader.XB3Sampled, trace.Sampled ? "1"u8 : "0"u8);
            if (incoming.Contains(KnownHeader.XB3Flags))
            {
                edits.Remove(KnownHeader.XB3Flags);
            }
        }
    }

    private static void WriteB3Single(in OutgoingTrace trace, HeaderEdits edits)
    {
        var span = edits.Reserve(B3SingleMax);
        var n = trace.TraceId.WriteNativeHex(span);
        span[n++] = (byte)'-';
        trace.SpanId.WriteHex(span[n..]);
        n += SpanId.HexLength;
        if (!trace.Undecided)
        {
            span[n++] = (byte)'-';
            span[n++] = trace.Debug ? (byte)'d' : trace.Sampled ? (byte)'1' : (byte)'0';
        }

        // Without a decision this is "{trace}-{span}-{parent}", the form Brave writes for a deferred decision.
        if (trace.ParentSpanId.IsValid)
        {
            span[n++] = (byte)'-';
            trace.ParentSpanId.WriteHex(span[n..]);
            n += SpanId.HexLength;
        }

        edits.Commit(KnownHeader.B3, n);
    }

    private static void WriteTraceParent(in OutgoingTrace trace, HeaderEdits edits)
    {
        // version "00" - 32 hex trace id - 16 hex parent id (this hop's span) - 2 hex flags.
        var span = edits.Reserve(TraceParentMax);
        "00-"u8.CopyTo(span);
        trace.TraceId.Write32Hex(span[3..]);
        span[35] = (byte)'-';
        trace.SpanId.WriteHex(span[36..]);
        span[52] = (byte)'-';
        span[53] = (byte)'0';

        // Sampled (0x01), plus Level 2's random-trace-id (0x02) when the id it describes is the one kept; other
        // bits are not ours to pass on.
        span[54] = (byte)('0' + (trace.Sampled || trace.Debug ? 1 : 0) + (trace.RandomTraceId ? 2 : 0));
        edits.Commit(KnownHeader.TraceParent, 55);
    }

    // One tracestate line per list (several lines were joined when read), and no empty one sent on.
    private static void NormalizeTraceState(in HeaderSet incoming, HeaderEdits edits)
    {
        if (!incoming.TryGet(KnownHeader.TraceState, out var state))
        {
            return;
        }

        if (state.Trim(" \t"u8).IsEmpty)
        {
            edits.Remove(KnownHeader.TraceState);
        }
        else if (incoming.IsDuplicated(KnownHeader.TraceState))
        {
            // Removals apply before sets: every incoming line goes, the joined one stays.
            edits.Remove(KnownHeader.TraceState);
            edits.Set(KnownHeader.TraceState, state);
        }
    }

    private static void WriteXRay(in OutgoingTrace trace, ReadOnlySpan<byte> incomingXRay, HeaderEdits edits)
    {
        var span = edits.Reserve(XRayMax + incomingXRay.Length);
        "Root="u8.CopyTo(span);
        XRayTraceId.Write(trace.TraceId, span[5..]);
        var n = 5 + XRayTraceId.RootLength;
        if (trace.SpanId.IsValid)
        {
            ";Parent="u8.CopyTo(span[n..]);
            n += 8;
            trace.SpanId.WriteHex(span[n..]);
            n += SpanId.HexLength;
        }

        if (!trace.Undecided)
        {
            ";Sampled="u8.CopyTo(span[n..]);
            n += 9;
            span[n++] = trace.Sampled || trace.Debug ? (byte)'1' : (byte)'0';
        }

        if (!incomingXRay.IsEmpty)
        {
            n += XRayTraceHeaderParser.WriteExtraFields(incomingXRay, span[n..]);
        }

        edits.Commit(KnownHeader.XAmznTraceId, n);
    }

    private static void WriteCloudTrace(in OutgoingTrace trace, HeaderEdits edits)
    {
        // TRACE_ID/SPAN_ID;o=FLAGS, the span id in decimal.
        var span = edits.Reserve(CloudTraceMax);
        trace.TraceId.Write32Hex(span);
        span[32] = (byte)'/';
        Utf8Formatter.TryFormat(trace.SpanId.Value, span[33..], out var digits);
        var n = 33 + digits;
        if (!trace.Undecided)
        {
            ";o="u8.CopyTo(span[n..]);
            n += 3;
            span[n++] = trace.Sampled || trace.Debug ? (byte)'1' : (byte)'0';
        }

        edits.Commit(KnownHeader.XCloudTraceContext, n);
    }
}

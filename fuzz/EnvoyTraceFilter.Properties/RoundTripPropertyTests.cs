using System.Text;
using CsCheck;
using EnvoyTraceFilter.Core.Analysis;
using EnvoyTraceFilter.Core.ClientIdentity;
using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.Core.Naming;
using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Sampling;

namespace EnvoyTraceFilter.Properties;

/// <summary>
/// A valid context, written here from the specs (not by the core's writers), parses to the same ids and decision, and
/// the core writes it back byte for byte; through the whole decision its trace id, parent and decision survive.
/// </summary>
public sealed class RoundTripPropertyTests
{
    private const int Iterations = 3_000;

    private static readonly Gen<ulong> Id64 = Gen.OneOf(Gen.ULong[1, ulong.MaxValue], Gen.OneOf(1UL, 0xFFUL, 1UL << 63, ulong.MaxValue));

    private static readonly Gen<(ulong High, ulong Low)> Id128 =
        Gen.Select(Gen.OneOf(Gen.ULong, Gen.Const(0UL)), Id64, (h, l) => (h, l));

    private static string Hex16(ulong v) => v.ToString("x16");

    private static string Hex32((ulong High, ulong Low) id) => Hex16(id.High) + Hex16(id.Low);

    [Fact]
    public void B3_single_round_trips() =>
        Gen.Select(Id128, Gen.Bool, Id64, Gen.Int[0, 3], Gen.OneOf(Gen.Const(0UL), Id64)).Sample((id, narrow, span, sampling, parent) =>
        {
            var traceHex = narrow ? Hex16(id.Low) : Hex32(id);
            var state = sampling switch { 0 => "", 1 => "-0", 2 => "-1", _ => "-d" };
            var value = $"{traceHex}-{Hex16(span)}{state}{(parent != 0 ? "-" + Hex16(parent) : "")}";

            Assert.True(B3Parser.TryParseSingle(Encoding.ASCII.GetBytes(value), out var context, out _), value);
            Assert.Equal(new TraceId(narrow ? 0 : id.High, id.Low, narrow), context.TraceId);
            Assert.Equal(span, context.SpanId.Value);
            Assert.Equal(parent, context.ParentSpanId.Value);
            Assert.Equal(sampling switch { 0 => SamplingDecision.None, 1 => SamplingDecision.NotSampled, 2 => SamplingDecision.Sampled, _ => SamplingDecision.Debug },
                context.Sampling);
            Assert.Equal(value, WriteBack(context, TraceFormat.B3Single)["b3"]);
        }, iter: Iterations);

    [Fact]
    public void B3_multi_round_trips() =>
        Gen.Select(Id128, Gen.Bool, Id64, Gen.Int[0, 3], Gen.OneOf(Gen.Const(0UL), Id64)).Sample((id, narrow, span, sampling, parent) =>
        {
            var headers = new Dictionary<string, string>
            {
                ["x-b3-traceid"] = narrow ? Hex16(id.Low) : Hex32(id),
                ["x-b3-spanid"] = Hex16(span),
            };
            if (parent != 0)
            {
                headers["x-b3-parentspanid"] = Hex16(parent);
            }

            if (sampling is 1 or 2)
            {
                headers["x-b3-sampled"] = sampling == 2 ? "1" : "0";
            }
            else if (sampling == 3)
            {
                headers["x-b3-flags"] = "1";
            }

            var set = new HeaderSet();
            foreach (var (name, v) in headers)
            {
                Assert.True(KnownHeaders.TryLookup(name, out var known));
                set.Add(known, Encoding.ASCII.GetBytes(v));
            }

            Assert.True(B3Parser.TryParseMulti(set, out var context, out _));
            Assert.Equal(headers, WriteBack(context, TraceFormat.B3Multi));
        }, iter: Iterations);

    [Fact]
    public void Traceparent_round_trips() =>
        Gen.Select(Id128, Id64, Gen.Int[0, 3]).Sample((id, span, flags) =>
        {
            var value = $"00-{Hex32(id)}-{Hex16(span)}-0{flags}";

            Assert.True(TraceParentParser.TryParse(Encoding.ASCII.GetBytes(value), out var context, out _), value);
            Assert.Equal(new TraceId(id.High, id.Low), context.TraceId);
            Assert.Equal((flags & 1) != 0 ? SamplingDecision.Sampled : SamplingDecision.NotSampled, context.Sampling);
            Assert.Equal((flags & 2) != 0, context.RandomTraceId);
            Assert.Equal(value, WriteBack(context, TraceFormat.TraceParent)["traceparent"]);
        }, iter: Iterations);

    [Fact]
    public void XRay_round_trips_with_its_extra_fields()
    {
        var token = Gen.String[Gen.Char[(char)33, (char)126].Where(c => c is not ';' and not '='), 1, 12];
        var extras = Gen.Select(token, Gen.OneOf(token, Gen.Const("")), (k, v) => (k, v)).Array[0, 3]
            .Select(fields => fields.DistinctBy(f => f.k).Where(f => f.k is not ("Root" or "Parent" or "Sampled")).ToArray());
        Gen.Select(Id128, Gen.OneOf(Gen.Const(0UL), Id64), Gen.Int[0, 2], extras).Sample((id, parent, sampling, fields) =>
        {
            var hex = Hex32(id);
            var extra = string.Concat(fields.Select(f => $";{f.k}={f.v}"));
            Assert.True(extra.Length <= XRayTraceHeaderParser.MaxExtraFieldsLength); // beyond the cap fields are dropped by design
            var value = $"Root=1-{hex[..8]}-{hex[8..]}{(parent != 0 ? ";Parent=" + Hex16(parent) : "")}"
                + (sampling == 0 ? "" : sampling == 1 ? ";Sampled=0" : ";Sampled=1") + extra;

            Assert.True(XRayTraceHeaderParser.TryParse(Encoding.ASCII.GetBytes(value), out var context, out _), value);
            Assert.Equal(new TraceId(id.High, id.Low), context.TraceId);
            Assert.Equal(parent, context.SpanId.Value);
            Assert.Equal(value, WriteBack(context, TraceFormat.XRay, value)["x-amzn-trace-id"]);
        }, iter: Iterations);
    }

    [Fact]
    public void Cloud_trace_round_trips() =>
        Gen.Select(Id128, Id64, Gen.Int[0, 2]).Sample((id, span, sampling) =>
        {
            var value = $"{Hex32(id)}/{span}{(sampling == 0 ? "" : sampling == 1 ? ";o=0" : ";o=1")}";

            Assert.True(CloudTraceContextParser.TryParse(Encoding.ASCII.GetBytes(value), out var context, out _), value);
            Assert.Equal(new TraceId(id.High, id.Low), context.TraceId);
            Assert.Equal(span, context.SpanId.Value);
            Assert.Equal(value, WriteBack(context, TraceFormat.CloudTrace)["x-cloud-trace-context"]);
        }, iter: Iterations);

    [Fact]
    public void A_hop_continues_any_valid_incoming_trace()
    {
        var analyzer = new RequestAnalyzer(
            new PropagationSettings(outputs: [TraceFormat.B3Multi, TraceFormat.B3Single, TraceFormat.TraceParent, TraceFormat.XRay, TraceFormat.CloudTrace]),
            new Sampler(new SamplingOptions { Strategy = SamplingStrategy.Never, TrustIncoming = TrustIncoming.Always }),
            new ClientAddressResolver(new ClientAddressOptions()),
            new ServiceNamer([], "svc", null, 0),
            new RandomIdGenerator(TimeProvider.System));
        var format = Gen.OneOf(TraceFormat.B3Single, TraceFormat.B3Multi, TraceFormat.TraceParent, TraceFormat.XRay, TraceFormat.CloudTrace);
        Gen.Select(format, Id128, Id64, Gen.Bool).Sample((f, id, span, sampled) =>
        {
            var hex = Hex32(id);
            var s = sampled ? "1" : "0";
            var headers = f switch
            {
                TraceFormat.B3Single => new[] { ("b3", $"{hex}-{Hex16(span)}-{s}") },
                TraceFormat.B3Multi => [("x-b3-traceid", hex), ("x-b3-spanid", Hex16(span)), ("x-b3-sampled", s)],
                TraceFormat.TraceParent => [("traceparent", $"00-{hex}-{Hex16(span)}-0{s}")],
                TraceFormat.XRay => [("x-amzn-trace-id", $"Root=1-{hex[..8]}-{hex[8..]};Parent={Hex16(span)};Sampled={s}")],
                _ => [("x-cloud-trace-context", $"{hex}/{span};o={s}")],
            };
            var set = new HeaderSet();
            foreach (var (name, v) in headers)
            {
                Assert.True(KnownHeaders.TryLookup(name, out var known));
                set.Add(known, Encoding.ASCII.GetBytes(v));
            }

            var decision = analyzer.Analyze(set);

            var outgoing = decision.Outgoing!.Value;
            Assert.Equal((id.High, id.Low), (outgoing.TraceId.High, outgoing.TraceId.Low));
            Assert.Equal(span, outgoing.ParentSpanId.Value);
            Assert.Equal(sampled, outgoing.Sampled);
            Assert.Equal(hex, decision.Edits.Find("x-b3-traceid"));
            Assert.Equal($"00-{hex}-{outgoing.SpanId}-0{s}", decision.Edits.Find("traceparent"));
            Assert.Equal($"{hex}/{outgoing.SpanId.Value};o={s}", decision.Edits.Find("x-cloud-trace-context"));
        }, iter: Iterations);
    }

    // The core's writer, given the parsed context, as name → value.
    private static Dictionary<string, string> WriteBack(in TraceContext context, TraceFormat format, string? incomingXRay = null)
    {
        var incoming = new HeaderSet();
        if (incomingXRay is not null)
        {
            incoming.Add(KnownHeader.XAmznTraceId, Encoding.ASCII.GetBytes(incomingXRay));
        }

        var trace = new OutgoingTrace(context.TraceId, context.SpanId, context.ParentSpanId,
            context.Sampling is SamplingDecision.Sampled or SamplingDecision.Debug, context.Sampling == SamplingDecision.Debug)
        {
            Undecided = context.Sampling == SamplingDecision.None,
            RandomTraceId = context.RandomTraceId,
        };
        var outputs = TraceFormatSet.Of([format]);
        var edits = new HeaderEdits(TraceHeaderWriter.Capacity(incoming, outputs));
        TraceHeaderWriter.Write(trace, incoming, outputs, TraceFormatSet.Empty, incomingXRay is not null, edits);
        Assert.Equal(0, edits.RemoveCount);
        return Enumerable.Range(0, edits.SetCount).ToDictionary(edits.SetName, i => Encoding.ASCII.GetString(edits.SetValue(i).Span));
    }
}

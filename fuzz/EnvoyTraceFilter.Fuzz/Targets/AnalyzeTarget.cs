using System.Net;
using System.Text;
using EnvoyTraceFilter.Core.Analysis;
using EnvoyTraceFilter.Core.ClientIdentity;
using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.Core.Naming;
using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Sampling;

namespace EnvoyTraceFilter.Fuzz.Targets;

/// <summary>
/// The whole request decision on an arbitrary header set. Input: one configuration byte, then header records
/// (<see cref="HeaderRecords"/>, selector modulo every known header; one more selector value is Envoy's source
/// address). Checked: no throw; every trace header written is valid for its format and names the outgoing ids;
/// whatever survives <see cref="HeaderBudget"/> is a value Envoy accepts; the app headers say what was decided.
/// </summary>
internal static class AnalyzeTarget
{
    private const string ClientHeader = "x-client-ip";
    private const string ServiceHeader = "x-service-name";

    private static readonly KnownHeader[] Selectable = [.. Enum.GetValues<KnownHeader>()];

    private static readonly TraceFormat[] AllFormats =
        [TraceFormat.B3Multi, TraceFormat.B3Single, TraceFormat.TraceParent, TraceFormat.XRay, TraceFormat.CloudTrace];

    // Rules with wildcards in every field, so the matcher runs on the request's host, method and path.
    private const string Rules = """
        {"version": 2, "rules": [
          {"host": "*.example.*", "http_method": "G?T", "url_path": "/api/*/items*", "fixed_target": 0, "rate": 1},
          {"host": "*a*a*a*a*b", "http_method": "*", "url_path": "*", "fixed_target": 1, "rate": 0}],
         "default": {"fixed_target": 0, "rate": 0.5}}
        """;

    // Bit 0 translate-only, bit 1 all five outputs, bit 2 reversed precedence, bit 3 X-Ray client mode,
    // bits 4-5 strategy, bit 6 distrust incoming decisions.
    private static readonly RequestAnalyzer[] Analyzers = [.. Enumerable.Range(0, 128).Select(Build)];

    public static void Run(ReadOnlySpan<byte> input)
    {
        // An empty input still runs the core (see ForwardedForTarget).
        var config = input.IsEmpty ? 0 : input[0] & 0x7F;
        var analyzer = Analyzers[config];
        var headers = new HeaderSet();
        var source = "";
        HeaderRecords.Read(input.IsEmpty ? input : input[1..], [.. Selectable, (KnownHeader)255], (header, value) =>
        {
            if (header == (KnownHeader)255)
            {
                source = Encoding.Latin1.GetString(value);
            }
            else
            {
                headers.Add(header, value);
            }
        });

        var decision = analyzer.Analyze(headers, source);
        var translateOnly = analyzer.Propagation.Mode == PropagationMode.TranslateOnly;
        PropertyViolation.Check(translateOnly || decision.Outgoing is not null, "analyze: a hop wrote no context");
        PropertyViolation.Check(decision.Service.Name.Length > 0, "analyze: empty service name");

        CheckEdits(decision, translateOnly);
        CheckResponse(decision);
    }

    private static void CheckEdits(RequestDecision decision, bool translateOnly)
    {
        var edits = decision.Edits;
        var written = new HeaderSet();
        for (var i = 0; i < edits.RemoveCount; i++)
        {
            PropertyViolation.Check(edits.Removed(i).Length > 0, "analyze: removal of an empty name");
        }

        for (var i = 0; i < edits.SetCount; i++)
        {
            var name = edits.SetName(i);
            var value = edits.SetValue(i).Span;
            PropertyViolation.Check(name.Length > 0 && name == name.ToLowerInvariant(), $"analyze: header name '{name}'");
            PropertyViolation.Check(!value.IsEmpty, $"analyze: {name}: empty value");
            if (name is ClientHeader or ServiceHeader or "tracestate")
            {
                continue; // echoes of what the client sent: checked after the budget below
            }

            OutputFormats.CheckValue(name, value);
            OutputFormats.CheckTraceHeader(name, Encoding.ASCII.GetString(value));
            PropertyViolation.Check(KnownHeaders.TryLookup(name, out var known), $"analyze: unknown trace header {name}");
            PropertyViolation.Check(!written.Contains(known), $"analyze: {name} set twice");
            written.Add(known, edits.SetValue(i));
        }

        // Envoy refuses a mutation with a control byte: the budget must drop every group holding one.
        var budget = HeaderBudget.Fit(edits, new EmptyMap(), new HeaderLimits(10_000, 10_000_000));
        for (var i = 0; i < edits.SetCount; i++)
        {
            if (budget.Keeps(OutputGroups.Of(edits.SetName(i))))
            {
                OutputFormats.CheckValue(edits.SetName(i), edits.SetValue(i).Span);
            }
        }

        if (edits.Find(ServiceHeader) is { } service)
        {
            PropertyViolation.Check(service == decision.Service.Name, "analyze: service header differs from the decision");
        }

        if (edits.Find(ClientHeader) is { } client)
        {
            PropertyViolation.Check(client == decision.Client.Address, "analyze: client header differs from the decision");
        }

        if (decision.Outgoing is not { } outgoing)
        {
            PropertyViolation.Check(translateOnly && !AllFormats.Any(f => IsWritten(written, f)), "analyze: trace headers without a context");
            return;
        }

        // Every format written, read back by the core's own parsers, names the outgoing trace, span and decision.
        foreach (var format in AllFormats)
        {
            if (!IsWritten(written, format))
            {
                continue;
            }

            var back = RoundTrip.Parse(format, written, out var reason);
            PropertyViolation.Check(back is not null, $"analyze: written {format} does not parse back ({reason})");
            var context = back!.Value;
            PropertyViolation.Check(context.TraceId.High == outgoing.TraceId.High && context.TraceId.Low == outgoing.TraceId.Low,
                $"analyze: {format} carries trace {context.TraceId}, outgoing is {outgoing.TraceId}");
            PropertyViolation.Check(context.SpanId == outgoing.SpanId, $"analyze: {format} carries span {context.SpanId}, outgoing is {outgoing.SpanId}");

            var sampled = outgoing.Sampled || outgoing.Debug;
            var expected = outgoing.Undecided && format != TraceFormat.TraceParent ? SamplingDecision.None
                : outgoing.Debug && format is TraceFormat.B3Single or TraceFormat.B3Multi ? SamplingDecision.Debug
                : sampled ? SamplingDecision.Sampled : SamplingDecision.NotSampled;
            PropertyViolation.Check(context.Sampling == expected, $"analyze: {format} says {context.Sampling}, expected {expected}");
        }

        if (!translateOnly)
        {
            PropertyViolation.Check(outgoing.TraceId.IsValid && outgoing.SpanId.IsValid, "analyze: a hop with invalid ids");
            PropertyViolation.Check(outgoing.Sampled == decision.Sampled, "analyze: outgoing decision differs from the sampling result");
        }
    }

    private static void CheckResponse(RequestDecision decision)
    {
        var edits = decision.ResponseEdits;
        PropertyViolation.Check(edits.RemoveCount == 0 && edits.SetCount <= 1, "analyze: unexpected response edits");
        if (edits.SetCount == 1)
        {
            PropertyViolation.Check(edits.SetName(0) == "x-amzn-trace-id", "analyze: response edit is not X-Ray");
            OutputFormats.CheckValue("x-amzn-trace-id", edits.SetValue(0).Span);
            OutputFormats.CheckTraceHeader("x-amzn-trace-id", Encoding.ASCII.GetString(edits.SetValue(0).Span));
        }
    }

    private static bool IsWritten(in HeaderSet written, TraceFormat format) => format switch
    {
        TraceFormat.B3Single => written.Contains(KnownHeader.B3),
        TraceFormat.B3Multi => written.Contains(KnownHeader.XB3TraceId),
        TraceFormat.TraceParent => written.Contains(KnownHeader.TraceParent),
        TraceFormat.XRay => written.Contains(KnownHeader.XAmznTraceId),
        _ => written.Contains(KnownHeader.XCloudTraceContext),
    };

    private static RequestAnalyzer Build(int config)
    {
        var precedence = (config & 4) != 0 ? PropagationSettings.DefaultPrecedence.Reverse().ToArray() : null;
        var outputs = (config & 2) != 0 ? AllFormats : null;
        var mode = (config & 1) != 0 ? PropagationMode.TranslateOnly : PropagationMode.Hop;
        var clients = (config & 8) != 0
            ? new ClientAddressOptions { Mode = ClientAddressMode.XRay }
            : new ClientAddressOptions { TrustedHops = 1, TrustedNetworks = [IPNetwork.Parse("10.0.0.0/8")] };
        var sampling = new SamplingOptions
        {
            Strategy = (SamplingStrategy)((config >> 4) & 3),
            Ratio = 0.5,
            RulesJson = Rules,
            TrustIncoming = (config & 64) != 0 ? TrustIncoming.Never : TrustIncoming.Always,
        };
        return new RequestAnalyzer(
            new PropagationSettings(precedence, outputs, mode),
            new Sampler(sampling),
            new ClientAddressResolver(clients),
            new ServiceNamer([new NamingRule("*.example.com", null), new NamingRule("api-?.*", "api"), new NamingRule("*", null)], "fallback", null, 64),
            new FixedIds(),
            new AppHeaders(ClientHeader, ServiceHeader));
    }

    // Fixed ids keep every run of an input on the same path (afl-fuzz marks varying paths as unstable).
    private sealed class FixedIds : IIdGenerator
    {
        public SpanId NewSpanId() => new(0x1111111111111111);

        public TraceId NewTraceId() => new(0x5759e988bd862e3f, 0xe1be46a994272793);
    }

    private readonly struct EmptyMap : IHeaderMapSize
    {
        public int Count => 0;

        public long ByteSize => 0;

        public HeaderOccurrences Find(string lowerName) => HeaderOccurrences.None;
    }
}

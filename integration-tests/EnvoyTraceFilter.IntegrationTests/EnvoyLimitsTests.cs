using EnvoyEmulator;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>
/// Requests near Envoy's header limits (100 headers, 60 KiB) through the emulator, which answers a mutation that
/// crosses them with a local 500 as Envoy does. The filter drops whole outputs, least value first, so the app
/// always gets the request: never a 500 because of us.
/// </summary>
public sealed class EnvoyLimitsTests
{
    private const string GcpTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string CloudHeader = GcpTrace + "/17725314949316355921;o=1";
    private const string Parent = "f5fcf8089dec2751";

    // What the connection manager holds besides the client's pads: :authority, :path, :method, :scheme,
    // x-cloud-trace-context, x-forwarded-for, x-forwarded-proto, x-envoy-external-address, x-request-id.
    private const int HcmHeaders = 9;

    // As envoy.yaml asks: the count and size of Envoy's whole map reach the filter even where forward_rules hide headers.
    private static EmulatorOptions Options => new()
    {
        MessageTimeout = TimeSpan.FromSeconds(5),
        RequestAttributes = ["source.address", "request.time", "size(request.headers)", "request.total_size"],
    };

    private static double Figure(EmulatedExchange exchange, string name) =>
        exchange.Sent[0].Attributes["envoy.filters.http.ext_proc"].Fields[name].NumberValue;

    private static readonly string[] TraceHeaders = ["b3", "traceparent", "x-b3-parentspanid", "x-b3-sampled", "x-b3-spanid", "x-b3-traceid"];

    private static DownstreamRequest Request(int pads, string cookie = "") =>
        Emulation.Get("api.example.com",
        [
            ("x-cloud-trace-context", CloudHeader),
            .. Enumerable.Range(0, pads).Select(i => ($"x-pad-{i:D2}", "v")),
            .. cookie.Length > 0 ? [("cookie", cookie)] : Array.Empty<(string, string)>(),
        ]);

    /// <summary>The trace headers the app received, as "name: value" with this hop's span id shown as SPAN.</summary>
    private static string[] TraceHeadersAtApp(EmulatedExchange exchange)
    {
        var app = exchange.Upstream!;
        var span = app.Get("x-b3-spanid");
        return [.. TraceHeaders.Where(n => app.Get(n) is not null).Select(n => $"{n}: {(span is null ? app.Get(n) : app.Get(n)!.Replace(span, "SPAN"))}")];
    }

    private static readonly string[] B3Multi =
        [$"x-b3-parentspanid: {Parent}", "x-b3-sampled: 1", "x-b3-spanid: SPAN", $"x-b3-traceid: {GcpTrace}"];

    private const string B3Single = $"b3: {GcpTrace}-SPAN-1-{Parent}";
    private const string TraceParent = $"traceparent: 00-{GcpTrace}-SPAN-01";

    public static TheoryData<int, string[]> ByCount => new()
    {
        { 94, [B3Single, TraceParent, .. B3Multi] },
        { 95, [TraceParent, .. B3Multi] },
        { 96, [.. B3Multi] },
        { 97, [] },
        { 98, [] },
        { 99, [] },
        { 100, [] },
    };

    [Theory]
    [MemberData(nameof(ByCount))]
    public async Task Near_100_headers_outputs_are_dropped_least_value_first_and_the_request_never_fails(int incoming, string[] expected)
    {
        await using var host = await FilterHost.StartAsync(overSocket: false);
        using var metrics = host.Metrics();
        var emulator = Emulation.For(host, Options);

        var exchange = await emulator.SendAsync(Request(incoming - HcmHeaders)).DefaultTimeout();

        Assert.Equal(incoming, Figure(exchange, "size(request.headers)"));
        Assert.Equal((200, ExchangeOutcome.Processed), (exchange.Downstream.Status, exchange.Outcome));
        Assert.Equal(expected, TraceHeadersAtApp(exchange));
        Assert.Equal(CloudHeader, exchange.Upstream!.Get("x-cloud-trace-context"));
        Assert.Equal(0, emulator.Stats.RejectedHeaderMutations);
        var dropped = 6 - expected.Length;
        Assert.Equal(
            (dropped >= 1 ? 1 : 0, dropped >= 2 ? 1 : 0, dropped >= 6 ? 1 : 0, dropped >= 6 ? 1 : 0),
            (metrics.Sum("tracefilter.mutation.outputs_dropped", "output=b3", "reason=header_limit", "phase=request_headers"),
             metrics.Sum("tracefilter.mutation.outputs_dropped", "output=traceparent"),
             metrics.Sum("tracefilter.mutation.outputs_dropped", "output=b3_multi"),
             metrics.Sum("tracefilter.mutation.withheld", "phase=request_headers")));
    }

    [Theory]
    [InlineData(95)]
    [InlineData(97)]
    [InlineData(100)]
    public async Task A_filter_out_of_step_with_the_connection_manager_gets_a_500(int incoming)
    {
        // What happened before the budget, and what happens when EnvoyLimits is not kept in step: the filter
        // believes it may add headers, Envoy (the emulator) refuses the mutation with a 500 despite failure_mode_allow.
        await using var host = await FilterHost.StartAsync(overSocket: false,
            new Dictionary<string, string?> { ["TraceFilter:EnvoyLimits:MaxRequestHeadersCount"] = "200" });
        var emulator = Emulation.For(host, Options);

        var exchange = await emulator.SendAsync(Request(incoming - HcmHeaders)).DefaultTimeout();

        Assert.True(emulator.Options.FailureModeAllow);
        Assert.Equal((500, ExchangeOutcome.LocalReplyError), (exchange.Downstream.Status, exchange.Outcome));
        Assert.StartsWith($"Header_mutation_causes_end_result_header_count_{incoming + 6}_or_header_size_", exchange.Downstream.Details);
        Assert.Null(exchange.Upstream);
    }

    [Fact]
    public async Task A_dropped_b3_that_arrived_is_removed_so_it_cannot_outrank_the_b3_multi_set()
    {
        await using var host = await FilterHost.StartAsync(overSocket: false);
        var emulator = Emulation.For(host, Options);
        const string Caller = "80f198ee56343ba864fe8b2a57d3eff7";

        // 96 headers, the caller's b3 among them: its own b3 would overwrite (0 more), B3 multi adds 4 and traceparent
        // 1, which makes 101; without b3, and removing the caller's, 95 + 5 = 100.
        var exchange = await emulator.SendAsync(Emulation.Get("api.example.com",
        [
            ("b3", $"{Caller}-e457b5a2e4d86bd1-1"),
            .. Enumerable.Range(0, 96 - HcmHeaders).Select(i => ($"x-pad-{i:D2}", "v")),
        ])).DefaultTimeout();

        Assert.Equal(96, Figure(exchange, "size(request.headers)"));
        Assert.Equal((200, ExchangeOutcome.Processed), (exchange.Downstream.Status, exchange.Outcome));
        Assert.Equal(
            [$"traceparent: 00-{Caller}-SPAN-01", "x-b3-parentspanid: e457b5a2e4d86bd1", "x-b3-sampled: 1", "x-b3-spanid: SPAN", $"x-b3-traceid: {Caller}"],
            TraceHeadersAtApp(exchange));
    }

    // Bytes (name + value) of each output: B3 multi 44+27+33+13, b3 2+68, traceparent 11+55.
    private const int B3MultiBytes = 117;
    private const int B3Bytes = 70;
    private const int TraceParentBytes = 66;

    public static TheoryData<int, string[]> ByRoom => new()
    {
        { B3MultiBytes + B3Bytes + TraceParentBytes, [B3Single, TraceParent, .. B3Multi] },
        { B3MultiBytes + B3Bytes + TraceParentBytes - 1, [TraceParent, .. B3Multi] },
        { B3MultiBytes + TraceParentBytes, [TraceParent, .. B3Multi] },
        { B3MultiBytes + TraceParentBytes - 1, [.. B3Multi] },
        { B3MultiBytes, [.. B3Multi] },
        { B3MultiBytes - 1, [] },
        { 0, [] },
    };

    [Theory]
    [MemberData(nameof(ByRoom))]
    public async Task Near_60_KiB_outputs_are_dropped_least_value_first_and_the_request_never_fails(int room, string[] expected)
    {
        await using var host = await FilterHost.StartAsync(overSocket: false);
        var emulator = Emulation.For(host, Options);
        // Measure what the connection manager's map holds with a 1-byte cookie, then size the cookie to leave `room`.
        var probe = await emulator.SendAsync(Request(pads: 0, cookie: "c")).DefaultTimeout();
        var probeBytes = (int)Figure(probe, "request.total_size");

        var exchange = await emulator.SendAsync(Request(pads: 0, cookie: new string('c', 61_440 - room - probeBytes + 1))).DefaultTimeout();

        Assert.Equal(61_440 - room, Figure(exchange, "request.total_size"));
        Assert.Equal((200, ExchangeOutcome.Processed), (exchange.Downstream.Status, exchange.Outcome));
        Assert.Equal(expected, TraceHeadersAtApp(exchange));
        Assert.Equal(0, emulator.Stats.RejectedHeaderMutations);
    }

    [Fact]
    public async Task Incoming_headers_full_of_control_bytes_never_lead_to_a_500()
    {
        await using var host = await FilterHost.StartAsync(overSocket: false,
            new Dictionary<string, string?> { ["TraceFilter:Propagation:Outputs:0"] = "B3Multi", ["TraceFilter:Propagation:Outputs:1"] = "XRay" });
        var emulator = Emulation.For(host);
        var controls = new string([.. Enumerable.Range(1, 31).Where(c => c != '\t').Select(c => (char)c), '\u007f']);

        var incomingXRay = $"Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Self=a{controls}b";

        var exchange = await emulator.SendAsync(Emulation.Get("api.example.com",
            ("x-amzn-trace-id", incomingXRay),
            ("b3", "x" + controls),
            ("traceparent", controls),
            ("x-forwarded-for", "203.0.113.7" + controls))).DefaultTimeout();

        Assert.Equal((200, ExchangeOutcome.Processed), (exchange.Downstream.Status, exchange.Outcome));
        var app = exchange.Upstream!;
        Assert.Equal(("5759e988bd862e3fe1be46a994272793", "53995c3f42cd8ad8", "1"),
            (app.Get("x-b3-traceid"), app.Get("x-b3-parentspanid"), app.Get("x-b3-sampled")));
        // Either the X-Ray output is left out (the caller's header passes as it came) or it is written without them.
        var xray = app.Get("x-amzn-trace-id")!;
        Assert.True(xray == incomingXRay || !xray.Any(char.IsControl), xray);
    }
}

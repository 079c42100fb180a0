using Envoy.Service.ExtProc.V3;
using Google.Protobuf.WellKnownTypes;
using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.Exporters;
using EnvoyTraceFilter.ExtProc;
using Microsoft.Extensions.Logging.Abstractions;

namespace EnvoyTraceFilter.Tests.ExtProc;

/// <summary>The stream's answers never cross Envoy's header limits (TraceFilter:EnvoyLimits); drops are counted.</summary>
public sealed class HeaderLimitTests
{
    private const string Cloud = "4bf92f3577b34da6a3ce929d0e0e4736/17725314949316355921;o=1";

    // :authority, :path, :method, :scheme, x-cloud-trace-context, then pads up to `count`.
    private static ProcessingRequest Request(int count) => Messages.RequestHeaders(
        [(":authority", "api.example.com"), (":path", "/"), (":method", "GET"), (":scheme", "http"), ("x-cloud-trace-context", Cloud),
         .. Enumerable.Range(0, count - 5).Select(i => ($"x-pad-{i:D2}", "v"))]);

    private static ProcessingStream Stream(MutationMetricsProbe probe, Action<EnvoyTraceFilter.Configuration.TraceFilterOptions>? configure = null) =>
        new(TestFilter.Snapshot(new SequenceIdGenerator(), configure),
            new StreamServices(probe.Metrics, new ErrorLogLimiter(TimeProvider.System), null, TimeProvider.System, NullLogger<StreamServices>.Instance));

    private static string[] Written(ProcessingResponse answer) =>
        answer.RequestHeaders.Response?.HeaderMutation is { } mutation
            ? [.. mutation.RemoveHeaders.Select(n => "-" + n), .. mutation.SetHeaders.Select(o => o.Header.Key)]
            : [];

    [Fact]
    public void At_94_incoming_headers_everything_is_written()
    {
        using var probe = new MutationMetricsProbe();

        var answer = Stream(probe).Handle(Request(94));

        Assert.Equal(["x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "b3", "traceparent"], Written(answer));
        Assert.Empty(probe.Totals);
    }

    [Fact]
    public void At_95_b3_is_dropped_and_counted()
    {
        using var probe = new MutationMetricsProbe();

        var answer = Stream(probe).Handle(Request(95));

        Assert.Equal(["x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "traceparent"], Written(answer));
        Assert.Equal(["tracefilter.mutation.outputs_dropped{output=b3,reason=header_limit,phase=request_headers} 1"], probe.Totals);
    }

    [Fact]
    public void At_97_nothing_fits_so_no_mutation_is_sent_and_that_is_counted()
    {
        using var probe = new MutationMetricsProbe();

        var answer = Stream(probe).Handle(Request(97));

        Assert.Equal(new ProcessingResponse { RequestHeaders = new HeadersResponse { Response = new CommonResponse() } }, answer);
        Assert.Equal(
            [
                "tracefilter.mutation.outputs_dropped{output=b3,reason=header_limit,phase=request_headers} 1",
                "tracefilter.mutation.outputs_dropped{output=b3_multi,reason=header_limit,phase=request_headers} 1",
                "tracefilter.mutation.outputs_dropped{output=traceparent,reason=header_limit,phase=request_headers} 1",
                "tracefilter.mutation.withheld{phase=request_headers} 1",
            ],
            probe.Totals);
    }

    [Fact]
    public void The_limits_come_from_TraceFilter_EnvoyLimits()
    {
        using var probe = new MutationMetricsProbe();

        var wider = Stream(probe, o => o.EnvoyLimits.MaxRequestHeadersCount = 103).Handle(Request(97));
        // 25 + 78 + 6 + 798 bytes arrive: the B3 multi set (117) fills 1 KiB exactly.
        var smaller = Stream(probe, o => o.EnvoyLimits.MaxRequestHeadersKb = 1).Handle(Messages.RequestHeaders(
            (":authority", "api.example.com"), ("x-cloud-trace-context", Cloud), ("cookie", new string('c', 1024 - 25 - 78 - 6 - 117))));

        Assert.Equal(["x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "b3", "traceparent"], Written(wider));
        Assert.Equal(["x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled"], Written(smaller));
    }

    [Fact]
    public void Response_mutations_are_bounded_by_the_response_limits()
    {
        using var probe = new MutationMetricsProbe();
        var edits = new HeaderEdits(128);
        edits.Set(KnownHeader.XAmznTraceId, "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"u8);
        var response = Messages.ResponseHeaders([(":status", "200"), .. Enumerable.Range(0, 99).Select(i => ($"x-app-{i:D2}", "v"))]);

        var atDefault = HeaderMutationBuilder.Build(edits, response, HeaderLimits.FromKb(100, 60), probe.Metrics);
        var wider = HeaderMutationBuilder.Build(edits, response, HeaderLimits.FromKb(101, 60), probe.Metrics);

        Assert.Null(atDefault);
        Assert.Equal("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1", wider!.Value.ToMessage().SetHeaders.Single(o => o.Header.Key == "x-amzn-trace-id").Header.RawValue.ToStringUtf8());
        Assert.Equal(
            [
                "tracefilter.mutation.outputs_dropped{output=xray,reason=header_limit,phase=response_headers} 1",
                "tracefilter.mutation.withheld{phase=response_headers} 1",
            ],
            probe.Totals);
    }

    [Fact]
    public void A_dropped_b3_that_arrived_is_removed()
    {
        using var probe = new MutationMetricsProbe();
        var request = Request(96);
        request.RequestHeaders.Headers.Headers[5].Key = "b3"; // the caller's b3 replaces one pad
        request.RequestHeaders.Headers.Headers[5].RawValue = Google.Protobuf.ByteString.CopyFromUtf8("4bf92f3577b34da6a3ce929d0e0e4736-f5fcf8089dec2751-1");

        var answer = Stream(probe).Handle(request);

        Assert.Equal(["-b3", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "traceparent"], Written(answer));
    }

    // What envoy.yaml's forward_rules let through: five headers, while Envoy's map holds `count` and `bytes`.
    private static ProcessingRequest Forwarded(Value count, Value bytes)
    {
        var request = Messages.RequestHeaders((":authority", "api.example.com"), (":path", "/"), (":method", "GET"), (":scheme", "http"), ("x-cloud-trace-context", Cloud));
        request.Attributes[RequestAttributes.Key] = new Struct
        {
            Fields = { [HeaderMapFigures.RequestCount] = count, [HeaderMapFigures.RequestBytes] = bytes },
        };
        return request;
    }

    [Theory]
    [InlineData(94, "x-b3-traceid x-b3-spanid x-b3-parentspanid x-b3-sampled b3 traceparent")]
    [InlineData(95, "x-b3-traceid x-b3-spanid x-b3-parentspanid x-b3-sampled traceparent")]
    [InlineData(96, "x-b3-traceid x-b3-spanid x-b3-parentspanid x-b3-sampled")]
    [InlineData(97, "")]
    public void Headers_hidden_by_forward_rules_are_counted_from_the_size_attribute(int count, string expected)
    {
        using var probe = new MutationMetricsProbe();

        var answer = Stream(probe).Handle(Forwarded(Value.ForNumber(count), Value.ForNumber(2000)));

        Assert.Equal(expected, string.Join(" ", Written(answer)));
    }

    [Theory]
    [InlineData(61_440 - 253, "x-b3-traceid x-b3-spanid x-b3-parentspanid x-b3-sampled b3 traceparent")]
    [InlineData(61_440 - 252, "x-b3-traceid x-b3-spanid x-b3-parentspanid x-b3-sampled traceparent")]
    [InlineData(61_440 - 117, "x-b3-traceid x-b3-spanid x-b3-parentspanid x-b3-sampled")]
    [InlineData(61_440 - 116, "")]
    public void Bytes_hidden_by_forward_rules_are_counted_from_total_size(int bytes, string expected)
    {
        using var probe = new MutationMetricsProbe();

        var answer = Stream(probe).Handle(Forwarded(Value.ForNumber(20), Value.ForNumber(bytes)));

        Assert.Equal(expected, string.Join(" ", Written(answer)));
    }

    [Fact]
    public void Envoy_1_30_sends_the_figures_as_strings()
    {
        using var probe = new MutationMetricsProbe();

        var answer = Stream(probe).Handle(Forwarded(Value.ForString("97"), Value.ForString("2000")));

        Assert.Empty(Written(answer));
    }

    [Fact]
    public void Smaller_figures_than_the_message_itself_are_ignored()
    {
        using var probe = new MutationMetricsProbe();
        var request = Request(95);
        request.Attributes[RequestAttributes.Key] = new Struct
        {
            Fields = { [HeaderMapFigures.RequestCount] = Value.ForNumber(3), [HeaderMapFigures.RequestBytes] = Value.ForString("x") },
        };

        var answer = Stream(probe).Handle(request);

        Assert.Equal(["x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "traceparent"], Written(answer));
    }
}

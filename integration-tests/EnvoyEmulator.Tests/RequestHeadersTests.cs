using System.Net;
using Envoy.Service.ExtProc.V3;
using EnvoyEmulator.Tests.Infrastructure;

namespace EnvoyEmulator.Tests;

/// <summary>What Envoy puts in request_headers (doc §1b "What Envoy puts in HttpHeaders", §3 item 2).</summary>
public sealed class RequestHeadersTests
{
    [Fact]
    public async Task Edge_request_has_pseudo_headers_hcm_headers_and_raw_values_only()
    {
        await using var host = await ExtProcHost.InMemoryAsync();
        var x = await host.Emulator().SendAsync(TestOptions.Get()).Within();

        Assert.Equal(ExchangeOutcome.Processed, x.Outcome);
        var sent = x.RequestHeadersSent!;
        Assert.True(sent.EndOfStream);
        Assert.Equal(
            [
                (":authority", "api.example.com"), (":path", "/orders/7?x=1"), (":method", "GET"), (":scheme", "http"),
                ("x-cloud-trace-context", "4bf92f3577b34da6a3ce929d0e0e4736/1;o=1"), ("user-agent", "curl/8.5.0"),
                ("x-forwarded-for", "198.51.100.7"), ("x-forwarded-proto", "http"),
                ("x-envoy-external-address", "198.51.100.7"), ("x-request-id", TestOptions.RequestId),
            ],
            ProtoAssert.RawPairs(sent));
    }

    [Fact]
    public async Task Attributes_carry_trusted_source_address_and_request_time_exactly()
    {
        await using var host = await ExtProcHost.InMemoryAsync();
        var options = TestOptions.Default() with
        {
            RequestAttributes = ["source.address", "source.port", "request.time", "request.id", "request.host",
                "request.path", "request.method", "request.protocol", "request.headers['x-cloud-trace-context']",
                "no.such.attribute"],
        };
        var x = await host.Emulator(options).SendAsync(TestOptions.Get()).Within();

        var attributes = x.Sent[0].Attributes;
        Assert.Equal(["envoy.filters.http.ext_proc"], attributes.Keys);
        var fields = attributes["envoy.filters.http.ext_proc"].Fields;
        Assert.Equal("198.51.100.7:50000", fields["source.address"].StringValue);
        Assert.Equal(50000d, fields["source.port"].NumberValue);
        Assert.Equal("2025-01-02T03:04:05.123456789+00:00", fields["request.time"].StringValue);
        Assert.Equal(TestOptions.RequestId, fields["request.id"].StringValue);
        Assert.Equal("api.example.com", fields["request.host"].StringValue);
        Assert.Equal("/orders/7?x=1", fields["request.path"].StringValue);
        Assert.Equal("GET", fields["request.method"].StringValue);
        Assert.Equal("HTTP/1.1", fields["request.protocol"].StringValue);
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736/1;o=1", fields["request.headers['x-cloud-trace-context']"].StringValue);
        Assert.Equal(9, fields.Count); // the unknown attribute is omitted, as Envoy omits failed evaluations
        Assert.Empty(x.Sent[1].Attributes); // request attributes only on the first request-direction message
    }

    [Fact]
    public async Task Trusted_hop_takes_client_from_xff_with_port_zero()
    {
        await using var host = await ExtProcHost.InMemoryAsync();
        var options = TestOptions.Default() with { XffNumTrustedHops = 1 };
        var request = new DownstreamRequest
        {
            Authority = "api.example.com",
            Headers = { ("x-forwarded-for", "203.0.113.7"), ("x-forwarded-proto", "https") },
            PeerAddress = IPEndPoint.Parse("10.0.0.5:41000"),
        };
        var x = await host.Emulator(options).SendAsync(request).Within();

        var headers = ProtoAssert.RawPairs(x.RequestHeadersSent!);
        Assert.Contains(("x-forwarded-for", "203.0.113.7,10.0.0.5"), headers);
        Assert.Contains(("x-envoy-external-address", "203.0.113.7"), headers);
        Assert.Contains(("x-forwarded-proto", "https"), headers); // kept from a trusted hop
        Assert.Contains((":scheme", "https"), headers);
        Assert.Equal("203.0.113.7:0", x.Sent[0].Attributes["envoy.filters.http.ext_proc"].Fields["source.address"].StringValue);
    }

    [Fact]
    public async Task Ipv6_peer_is_bracketed_in_source_address()
    {
        await using var host = await ExtProcHost.InMemoryAsync();
        var request = new DownstreamRequest { Authority = "a", PeerAddress = IPEndPoint.Parse("[2001:db8::7]:54321") };
        var x = await host.Emulator().SendAsync(request).Within();

        Assert.Equal("[2001:db8::7]:54321", x.Sent[0].Attributes["envoy.filters.http.ext_proc"].Fields["source.address"].StringValue);
        Assert.Contains(("x-envoy-external-address", "2001:db8::7"), ProtoAssert.RawPairs(x.RequestHeadersSent!));
    }

    [Theory]
    [InlineData("1.32", true)]
    [InlineData("1.36", false)]
    public async Task Loopback_peer_is_internal_only_before_1_33(string version, bool internalRequest)
    {
        await using var host = await ExtProcHost.InMemoryAsync();
        var request = new DownstreamRequest
        {
            Authority = "a",
            Headers = { ("x-request-id", "client-chosen") },
            PeerAddress = IPEndPoint.Parse("127.0.0.1:40000"),
        };
        var x = await host.Emulator(TestOptions.Default(version)).SendAsync(request).Within();

        var headers = ProtoAssert.RawPairs(x.RequestHeadersSent!);
        Assert.Contains(("x-forwarded-for", "192.0.2.1"), headers); // loopback peer ⇒ Envoy's own address
        Assert.Equal(internalRequest, headers.Contains(("x-envoy-internal", "true")));
        Assert.Equal(!internalRequest, headers.Contains(("x-envoy-external-address", "127.0.0.1")));
        Assert.Contains(("x-request-id", internalRequest ? "client-chosen" : TestOptions.RequestId), headers);
    }

    [Theory]
    [InlineData("1.36", true, true, true)]
    [InlineData("1.33", true, false, true)]
    [InlineData("1.29", false, false, false)]
    public async Task Metadata_protocol_config_and_attributes_follow_the_version(
        string version, bool metadata, bool protocolConfig, bool attributes)
    {
        await using var host = await ExtProcHost.InMemoryAsync();
        var x = await host.Emulator(TestOptions.Default(version)).SendAsync(TestOptions.Get()).Within();

        Assert.Equal(2, x.Sent.Count);
        Assert.Equal(metadata, x.Sent[0].MetadataContext is not null);
        Assert.Equal(metadata, x.Sent[1].MetadataContext is not null);
        Assert.Equal(protocolConfig ? new ProtocolConfiguration() : null, x.Sent[0].ProtocolConfig);
        Assert.Null(x.Sent[1].ProtocolConfig); // first message of the stream only
        Assert.Equal(attributes, x.Sent[0].Attributes.Count == 1);
    }

    [Fact]
    public async Task Call_has_cluster_authority_envoy_metadata_and_no_deadline()
    {
        await using var host = await ExtProcHost.InMemoryAsync();
        await host.Emulator().SendAsync(TestOptions.Get()).Within();

        var call = await host.Processor.NextCallAsync();
        Assert.Equal("trace_filter", call.Host);
        Assert.Equal("/envoy.service.ext_proc.v3.ExternalProcessor/Process", call.Method);
        Assert.Equal(DateTime.MaxValue, call.Deadline);
        Assert.DoesNotContain(call.CallHeaders, h => h.Key == "grpc-timeout");
        Assert.Contains(("x-envoy-internal", "true"), call.CallHeaders);
        Assert.Contains(("x-forwarded-for", "192.0.2.1"), call.CallHeaders);
    }

    [Fact]
    public async Task Too_many_request_headers_are_rejected_by_the_codec_before_ext_proc()
    {
        await using var host = await ExtProcHost.InMemoryAsync();
        var request = new DownstreamRequest { Authority = "a" };
        for (var i = 0; i < 101; i++)
        {
            request.Headers.Add($"x-h{i}", "v");
        }

        var emulator = host.Emulator();
        var x = await emulator.SendAsync(request).Within();

        Assert.Equal((431, "http1.too_many_headers", ExchangeOutcome.NotProcessed), (x.Downstream.Status, x.Downstream.Details, x.Outcome));
        Assert.Null(x.Upstream);
        Assert.Equal(0, emulator.Stats.StreamsStarted);
    }

    [Fact]
    public async Task Upstream_receives_host_and_router_headers()
    {
        await using var host = await ExtProcHost.InMemoryAsync();
        var x = await host.Emulator().SendAsync(TestOptions.Get()).Within();

        Assert.Equal(
        [
            "host: api.example.com", "user-agent: curl/8.5.0", "x-cloud-trace-context: 4bf92f3577b34da6a3ce929d0e0e4736/1;o=1",
            "x-envoy-expected-rq-timeout-ms: 15000", "x-envoy-external-address: 198.51.100.7",
            "x-forwarded-for: 198.51.100.7", "x-forwarded-proto: http", $"x-request-id: {TestOptions.RequestId}",
        ], x.Upstream!.Headers.ToSortedLines());
        Assert.Equal(("GET", "/orders/7?x=1"), (x.Upstream.Method, x.Upstream.Path));
    }
}

using Envoy.Config.Core.V3;
using Envoy.Service.ExtProc.V3;
using EnvoyEmulator.Tests.Infrastructure;
using Google.Protobuf;
using static EnvoyEmulator.Tests.Infrastructure.Responses;

namespace EnvoyEmulator.Tests;

/// <summary>
/// Envoy 1.36's checks on a mutated header map (doc §1b "What Envoy accepts in mutations"): value bytes, the
/// number of set/remove entries, and the result's header count and byte size against the limits of the map
/// being mutated. Every failure is a local 500 that failure_mode_allow does not cover.
/// </summary>
public sealed class MutationLimitTests
{
    // The HCM turns Request(pads) into :authority, :path, :method, :scheme, user-agent, the pads, then
    // x-forwarded-for, x-forwarded-proto, x-envoy-external-address and x-request-id: 9 headers besides the pads,
    // of 25+18+10+11+20+27+21+36+48 = 216 bytes (name + value lengths).
    private const int BaseCount = 9;
    private const int BaseBytes = 216;
    private const int DefaultMaxBytes = 60 * 1024;

    private static DownstreamRequest Request(int pads = 0, int padValueLength = 1) => new()
    {
        Method = "GET",
        Path = "/orders/7?x=1",
        Authority = "api.example.com",
        Headers = new HeaderList(
            new[] { ("user-agent", "curl/8.5.0") }.Concat(
                Enumerable.Range(0, pads).Select(i => ($"x-pad-{i:D2}", new string('v', padValueLength))))),
        PeerAddress = System.Net.IPEndPoint.Parse("198.51.100.7:50000"),
    };

    private static Func<ServerCall, Task> OnRequest(HeaderMutation? mutation) =>
        Scripts.Answer(r => r.RequestCase == ProcessingRequest.RequestOneofCase.RequestHeaders
            ? mutation is null ? Continue(r) : RequestHeaders(mutation)
            : Continue(r));

    private static Func<ServerCall, Task> OnResponse(HeaderMutation mutation) =>
        Scripts.Answer(r => r.RequestCase == ProcessingRequest.RequestOneofCase.ResponseHeaders
            ? ResponseHeaders(mutation)
            : Continue(r));

    private static HeaderMutation SetRaw(string key, byte[] value) => new()
    {
        SetHeaders = { new HeaderValueOption { Header = new HeaderValue { Key = key, RawValue = ByteString.CopyFrom(value) } } },
    };

    public static TheoryData<byte> RejectedBytes()
    {
        var data = new TheoryData<byte>();
        for (var b = 0; b < 0x20; b++)
        {
            if (b != '\t')
            {
                data.Add((byte)b);
            }
        }

        data.Add(0x7F);
        return data;
    }

    [Theory]
    [MemberData(nameof(RejectedBytes))]
    public async Task Every_control_byte_but_htab_and_del_in_a_value_is_500_despite_failure_mode_allow(byte bad)
    {
        await using var host = await ExtProcHost.InMemoryAsync(OnRequest(SetRaw("x-amzn-trace-id", [.. "Self=a"u8, bad, (byte)'b'])));
        var emulator = host.Emulator();
        var x = await emulator.SendAsync(Request()).Within();

        Assert.True(emulator.Options.FailureModeAllow);
        Assert.Equal((500, "Invalid_character_in_set_headers_mutation.", ExchangeOutcome.LocalReplyError),
            (x.Downstream.Status, x.Downstream.Details, x.Outcome));
        Assert.Null(x.Upstream);
        Assert.Equal(1, emulator.Stats.RejectedHeaderMutations);
    }

    [Theory]
    [InlineData("a\tb")]
    [InlineData(" leading and trailing ")]
    [InlineData("~!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}")]
    [InlineData("caf\u00e9")] // obs-text bytes (UTF-8 0xC3 0xA9) are allowed
    public async Task Htab_space_visible_ascii_and_obs_text_pass(string value)
    {
        await using var host = await ExtProcHost.InMemoryAsync(OnRequest(Set(("x-value", value))));
        var x = await host.Emulator().SendAsync(Request()).Within();

        Assert.Equal(200, x.Downstream.Status);
        Assert.Equal(value, x.Upstream!.Get("x-value"));
    }

    [Fact]
    public async Task Underscores_in_mutated_names_pass_headers_with_underscores_action_covers_only_the_codecs()
    {
        await using var host = await ExtProcHost.InMemoryAsync(OnRequest(Set(("x_tenant_id", "7"))));
        var x = await host.Emulator().SendAsync(Request()).Within();

        Assert.Equal((200, "7"), (x.Downstream.Status, x.Upstream!.Get("x_tenant_id")));
    }

    [Fact]
    public async Task A_result_of_exactly_100_headers_passes_and_101_is_500()
    {
        var mutation = Set(("x-new", "1"));
        await using var host = await ExtProcHost.InMemoryAsync(OnRequest(mutation));
        var emulator = host.Emulator();

        var fits = await emulator.SendAsync(Request(pads: 100 - BaseCount - 1)).Within();
        var over = await emulator.SendAsync(Request(pads: 100 - BaseCount)).Within();

        Assert.Equal(100 - 1, fits.RequestHeadersSent!.Headers.Headers.Count);
        Assert.Equal((200, "1"), (fits.Downstream.Status, fits.Upstream!.Get("x-new")));
        var overBytes = BaseBytes + ((100 - BaseCount) * 9) + 6;
        Assert.Equal((500, ExchangeOutcome.LocalReplyError), (over.Downstream.Status, over.Outcome));
        Assert.Equal($"Header_mutation_causes_end_result_header_count_101_or_header_size_{overBytes}_bytes,_exceeding_the_count_limit_100_or_the_size_limit_60_kilobytes",
            over.Downstream.Details);
        Assert.Null(over.Upstream);
        Assert.Equal(1, emulator.Stats.RejectedHeaderMutations);
    }

    [Fact]
    public async Task At_the_count_limit_an_overwrite_passes_and_a_removal_makes_room()
    {
        var overwrite = Set(("x-pad-00", "w"));
        var removeThenAdd = Set(("x-new", "1"));
        removeThenAdd.RemoveHeaders.Add("x-pad-01");
        await using var host = await ExtProcHost.InMemoryAsync(OnRequest(overwrite));
        var emulator = host.Emulator();

        var first = await emulator.SendAsync(Request(pads: 100 - BaseCount)).Within();
        host.Processor.Script = OnRequest(removeThenAdd);
        var second = await emulator.SendAsync(Request(pads: 100 - BaseCount)).Within();

        Assert.Equal((200, "w"), (first.Downstream.Status, first.Upstream!.Get("x-pad-00")));
        Assert.Equal((200, "1", null), (second.Downstream.Status, second.Upstream!.Get("x-new"), second.Upstream.Get("x-pad-01")));
    }

    [Fact]
    public async Task When_the_connection_manager_already_went_past_100_any_mutation_is_500_but_none_passes()
    {
        // The codec counts only the client's headers (93 ≤ 100); the HCM's pseudo and added headers make 102.
        var pads = 100 - BaseCount + 2;
        await using var host = await ExtProcHost.InMemoryAsync(OnRequest(Set(("user-agent", "same length"))));
        var emulator = host.Emulator();

        var overwriteOnly = await emulator.SendAsync(Request(pads)).Within();
        host.Processor.Script = OnRequest(mutation: null);
        var noMutation = await emulator.SendAsync(Request(pads)).Within();

        Assert.Equal(500, overwriteOnly.Downstream.Status);
        Assert.StartsWith("Header_mutation_causes_end_result_header_count_102_", overwriteOnly.Downstream.Details);
        Assert.Equal((200, 102), (noMutation.Downstream.Status, noMutation.RequestHeadersSent!.Headers.Headers.Count));
    }

    [Fact]
    public async Task A_result_of_exactly_60_KiB_passes_and_one_byte_more_is_500()
    {
        // One pad of 58 000 bytes; the mutation's value fills the rest up to the limit (name "x-fill" = 6 bytes).
        var request = Request(pads: 1, padValueLength: 58_000);
        var incoming = BaseBytes + 8 + 58_000;
        var fill = DefaultMaxBytes - incoming - 6;
        await using var host = await ExtProcHost.InMemoryAsync(OnRequest(Set(("x-fill", new string('f', fill)))));
        var emulator = host.Emulator();

        var fits = await emulator.SendAsync(request).Within();
        host.Processor.Script = OnRequest(Set(("x-fill", new string('f', fill + 1))));
        var over = await emulator.SendAsync(request).Within();

        Assert.Equal((200, fill), (fits.Downstream.Status, fits.Upstream!.Get("x-fill")!.Length));
        Assert.Equal(500, over.Downstream.Status);
        Assert.Equal($"Header_mutation_causes_end_result_header_count_11_or_header_size_{DefaultMaxBytes + 1}_bytes,_exceeding_the_count_limit_100_or_the_size_limit_60_kilobytes",
            over.Downstream.Details);
    }

    [Fact]
    public async Task More_remove_entries_than_the_count_limit_is_500_even_if_none_exists()
    {
        var mutation = new HeaderMutation();
        mutation.RemoveHeaders.AddRange(Enumerable.Range(0, 101).Select(i => $"x-absent-{i}"));
        await using var host = await ExtProcHost.InMemoryAsync(OnRequest(mutation));
        var x = await host.Emulator().SendAsync(Request()).Within();

        Assert.Equal((500, "Header_mutation_remove_header_count_101_or_set_header_count_0_exceed_the_HCM_header_countlimit_100"),
            (x.Downstream.Status, x.Downstream.Details));
    }

    [Fact]
    public async Task The_request_limits_are_configurable()
    {
        await using var host = await ExtProcHost.InMemoryAsync(OnRequest(Set(("x-new", "1"))));
        var options = TestOptions.Default() with { MaxRequestHeadersCount = 12, MaxRequestHeadersKb = 1 };

        var countFits = await host.Emulator(options).SendAsync(Request(pads: 2)).Within();
        var countOver = await host.Emulator(options).SendAsync(Request(pads: 3)).Within();
        var sizeOver = await host.Emulator(options).SendAsync(Request(pads: 1, padValueLength: 1024 - BaseBytes - 8 - 5)).Within();

        Assert.Equal(200, countFits.Downstream.Status);
        Assert.StartsWith("Header_mutation_causes_end_result_header_count_13_", countOver.Downstream.Details);
        Assert.Equal("Header_mutation_causes_end_result_header_count_11_or_header_size_1025_bytes,_exceeding_the_count_limit_12_or_the_size_limit_1_kilobytes",
            sizeOver.Downstream.Details);
    }

    private static Func<UpstreamRequest, CancellationToken, Task<UpstreamResponse>> App(int headers, int valueLength = 1) =>
        (_, _) => Task.FromResult(new UpstreamResponse
        {
            Headers = new HeaderList(Enumerable.Range(0, headers).Select(i => ($"x-app-{i:D2}", new string('a', valueLength)))),
        });

    [Fact]
    public async Task Response_mutations_are_bounded_by_the_clusters_response_limits()
    {
        // The response map: :status, the app's headers, x-envoy-upstream-service-time.
        await using var host = await ExtProcHost.InMemoryAsync(OnResponse(Set(("x-amzn-trace-id", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"))));
        var emulator = host.Emulator();
        var wider = host.Emulator(TestOptions.Default() with { MaxResponseHeadersCount = 101 });

        var fits = await emulator.SendAsync(Request(), App(97)).Within();
        var over = await emulator.SendAsync(Request(), App(98)).Within();
        var widened = await wider.SendAsync(Request(), App(98)).Within();

        Assert.Equal((200, 99), (fits.Downstream.Status, fits.ResponseHeadersSent!.Headers.Headers.Count));
        Assert.Equal("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1", fits.Downstream.Get("x-amzn-trace-id"));
        Assert.Equal((500, ExchangeOutcome.LocalReplyError), (over.Downstream.Status, over.Outcome));
        Assert.StartsWith("Header_mutation_causes_end_result_header_count_101_", over.Downstream.Details);
        Assert.NotNull(over.Upstream); // the request went upstream; the response is replaced by the 500
        Assert.Equal(200, widened.Downstream.Status);
    }

    [Fact]
    public async Task Response_size_limit_is_max_response_headers_kb()
    {
        await using var host = await ExtProcHost.InMemoryAsync(OnResponse(Set(("x-amzn-trace-id", new string('r', 2048)))));
        var small = host.Emulator(TestOptions.Default() with { MaxResponseHeadersKb = 2 });
        var x = await small.SendAsync(Request()).Within();
        var y = await host.Emulator().SendAsync(Request()).Within();

        Assert.Equal(500, x.Downstream.Status);
        Assert.EndsWith("_exceeding_the_count_limit_100_or_the_size_limit_2_kilobytes", x.Downstream.Details);
        Assert.Equal(200, y.Downstream.Status);
    }

    [Fact]
    public async Task Response_value_bytes_are_checked_like_request_ones()
    {
        await using var host = await ExtProcHost.InMemoryAsync(OnResponse(SetRaw("x-amzn-trace-id", "Root=1\u0001"u8.ToArray())));
        var x = await host.Emulator().SendAsync(Request()).Within();

        Assert.Equal((500, "Invalid_character_in_set_headers_mutation."), (x.Downstream.Status, x.Downstream.Details));
    }

    [Fact]
    public async Task Header_count_and_size_attributes_are_the_maps_distinct_names_and_byte_size()
    {
        await using var host = await ExtProcHost.InMemoryAsync();
        var options = TestOptions.Default() with
        {
            RequestAttributes = ["size(request.headers)", "request.total_size"],
            ResponseAttributes = ["size(response.headers)", "response.total_size"],
        };
        var request = Request(pads: 2);
        request.Headers.Add("x-pad-00", "again"); // a repeated name: one more line, not one more key

        var x = await host.Emulator(options).SendAsync(request, App(3)).Within();

        var sent = x.RequestHeadersSent!.Headers.Headers;
        var onRequest = x.Sent[0].Attributes["envoy.filters.http.ext_proc"].Fields;
        Assert.Equal(BaseCount + 3, sent.Count);
        Assert.Equal((double)(BaseCount + 2), onRequest["size(request.headers)"].NumberValue);
        Assert.Equal((double)(BaseBytes + 9 + 9 + 13), onRequest["request.total_size"].NumberValue);
        var onResponse = x.Sent[1].Attributes["envoy.filters.http.ext_proc"].Fields;
        var response = x.ResponseHeadersSent!.Headers.Headers;
        Assert.Equal(5d, onResponse["size(response.headers)"].NumberValue); // :status, 3 app headers, upstream service time
        Assert.Equal((double)response.Sum(h => h.Key.Length + h.RawValue.Length), onResponse["response.total_size"].NumberValue);
    }
}

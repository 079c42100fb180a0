using Envoy.Config.Core.V3;
using Envoy.Service.ExtProc.V3;
using EnvoyEmulator.Tests.Infrastructure;
using Google.Protobuf;
using static EnvoyEmulator.Tests.Infrastructure.Responses;

namespace EnvoyEmulator.Tests;

/// <summary>How Envoy applies header mutations (doc §1b "What Envoy accepts in mutations").</summary>
public sealed class MutationTests
{
    private static Func<ServerCall, Task> OnRequest(HeaderMutation mutation, bool clearRouteCache = false) =>
        Scripts.Answer(r => r.RequestCase == ProcessingRequest.RequestOneofCase.RequestHeaders
            ? RequestHeaders(mutation, clearRouteCache)
            : Continue(r));

    [Fact]
    public async Task Unset_append_overwrites_true_appends_and_append_action_is_ignored()
    {
        var mutation = new HeaderMutation
        {
            SetHeaders =
            {
                Option("x-cloud-trace-context", "new"),
                Option("x-extra", "1"),
                Option("x-extra", "2", append: true),
                new HeaderValueOption
                {
                    Header = new HeaderValue { Key = "user-agent", RawValue = ByteString.CopyFromUtf8("ua2") },
                    AppendAction = HeaderValueOption.Types.HeaderAppendAction.AddIfAbsent,
                },
                Option("X-B3-TraceId", "80f198ee56343ba864fe8b2a57d3eff7"),
            },
        };
        await using var host = await ExtProcHost.InMemoryAsync(OnRequest(mutation));
        var x = await host.Emulator().SendAsync(TestOptions.Get()).Within();

        Assert.Equal("new", x.Upstream!.Get("x-cloud-trace-context"));
        Assert.Equal(["1", "2"], x.Upstream.GetAll("x-extra"));
        Assert.Equal("ua2", x.Upstream.Get("user-agent"));
        Assert.Equal("80f198ee56343ba864fe8b2a57d3eff7", x.Upstream.Get("x-b3-traceid"));
        Assert.Contains(("x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7"), x.Upstream.Headers);
    }

    [Fact]
    public async Task Protected_headers_are_skipped_and_counted_by_default()
    {
        var mutation = Set((":authority", "evil.example"), ("host", "evil.example"), (":method", "POST"),
            (":scheme", "https"), ("x-envoy-retry-on", "5xx"), ("traceparent", "00-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-01"));
        mutation.RemoveHeaders.Add(":path");
        mutation.RemoveHeaders.Add("host");
        mutation.SetHeaders.Add(Option(":path", "/other", append: true));
        await using var host = await ExtProcHost.InMemoryAsync(OnRequest(mutation));
        var emulator = host.Emulator();
        var x = await emulator.SendAsync(TestOptions.Get()).Within();

        Assert.Equal((ExchangeOutcome.Processed, 200), (x.Outcome, x.Downstream.Status));
        Assert.Equal(("api.example.com", "GET", "http", "/orders/7?x=1"),
            (x.Upstream!.Authority, x.Upstream.Method, x.Upstream.Scheme, x.Upstream.Path));
        Assert.Null(x.Upstream.Get("x-envoy-retry-on"));
        Assert.Equal("00-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-01", x.Upstream.Get("traceparent"));
        Assert.Equal(8, emulator.Stats.RejectedHeaderMutations);
    }

    [Fact]
    public async Task Mutation_rules_can_allow_routing_and_envoy_headers()
    {
        var mutation = Set((":authority", "other.example"), ("x-envoy-retry-on", "5xx"), (":path", "/rewritten"));
        await using var host = await ExtProcHost.InMemoryAsync(OnRequest(mutation));
        var options = TestOptions.Default() with { MutationRules = new HeaderMutationRules { AllowAllRouting = true, AllowEnvoy = true } };
        var emulator = host.Emulator(options);
        var x = await emulator.SendAsync(TestOptions.Get()).Within();

        Assert.Equal(("other.example", "/rewritten"), (x.Upstream!.Authority, x.Upstream.Path));
        Assert.Equal("other.example", x.Upstream.Get("host"));
        Assert.Equal("5xx", x.Upstream.Get("x-envoy-retry-on"));
        Assert.Equal(0, emulator.Stats.RejectedHeaderMutations);
    }

    [Fact]
    public async Task Disallow_is_error_turns_a_skipped_mutation_into_500()
    {
        await using var host = await ExtProcHost.InMemoryAsync(OnRequest(Set(("x-envoy-foo", "1"))));
        var options = TestOptions.Default() with { MutationRules = new HeaderMutationRules { DisallowIsError = true } };
        var x = await host.Emulator(options).SendAsync(TestOptions.Get()).Within();

        Assert.Equal((500, "Invalid_attempt_to_modify_x-envoy-foo", ExchangeOutcome.LocalReplyError),
            (x.Downstream.Status, x.Downstream.Details, x.Outcome));
        Assert.Null(x.Upstream);
    }

    [Theory]
    [InlineData("x-ok", "bad\r\nvalue")]
    [InlineData("x-ok", "nul\0")]
    [InlineData("bad name", "v")]
    [InlineData("", "v")]
    public async Task Invalid_name_or_value_is_500_even_with_failure_mode_allow(string key, string value)
    {
        await using var host = await ExtProcHost.InMemoryAsync(OnRequest(Set((key, value))));
        var emulator = host.Emulator();
        var x = await emulator.SendAsync(TestOptions.Get()).Within();

        Assert.True(emulator.Options.FailureModeAllow);
        Assert.Equal((500, "Invalid_character_in_set_headers_mutation."), (x.Downstream.Status, x.Downstream.Details));
        Assert.Equal(("0", "envoy"), (x.Downstream.Get("content-length"), x.Downstream.Get("server")));
        Assert.Equal(ExchangeOutcome.LocalReplyError, x.Outcome);
        Assert.Null(x.Upstream);
        Assert.Single(x.Sent); // the error reply is never sent to the server
    }

    [Fact]
    public async Task Only_value_gives_an_empty_header_on_1_36()
    {
        var option = new HeaderValueOption { Header = new HeaderValue { Key = "traceparent", Value = "00-abc" } };
        await using var host = await ExtProcHost.InMemoryAsync(OnRequest(new HeaderMutation { SetHeaders = { option } }));
        var x = await host.Emulator().SendAsync(TestOptions.Get()).Within();

        Assert.Equal("", x.Upstream!.Get("traceparent"));
    }

    [Theory]
    [InlineData("1.31", 500)]
    [InlineData("1.36", 200)]
    public async Task Both_value_and_raw_value_is_an_error_only_up_to_1_31(string version, int status)
    {
        var option = Option("traceparent", "raw");
        option.Header.Value = "plain";
        await using var host = await ExtProcHost.InMemoryAsync(OnRequest(new HeaderMutation { SetHeaders = { option } }));
        var x = await host.Emulator(TestOptions.Default(version)).SendAsync(TestOptions.Get()).Within();

        Assert.Equal(status, x.Downstream.Status);
        if (status == 500)
        {
            Assert.Equal("Only_one_of_value_or_raw_value_in_the_HeaderValue_message_should_be_set.", x.Downstream.Details);
        }
        else
        {
            Assert.Equal("raw", x.Upstream!.Get("traceparent"));
        }
    }

    [Fact]
    public async Task Removals_apply_before_sets()
    {
        var mutation = Set(("x-cloud-trace-context", "set"));
        mutation.RemoveHeaders.Add("X-Cloud-Trace-Context");
        mutation.RemoveHeaders.Add("user-agent");
        await using var host = await ExtProcHost.InMemoryAsync(OnRequest(mutation));
        var x = await host.Emulator().SendAsync(TestOptions.Get()).Within();

        Assert.Equal("set", x.Upstream!.Get("x-cloud-trace-context"));
        Assert.Null(x.Upstream.Get("user-agent"));
    }

    [Fact]
    public async Task More_set_headers_than_the_hcm_limit_is_500()
    {
        var mutation = Set(Enumerable.Range(0, 101).Select(i => ($"x-h{i}", "v")).ToArray());
        await using var host = await ExtProcHost.InMemoryAsync(OnRequest(mutation));
        var emulator = host.Emulator();
        var x = await emulator.SendAsync(TestOptions.Get()).Within();

        Assert.Equal(500, x.Downstream.Status);
        Assert.StartsWith("Header_mutation_remove_header_count_0_or_set_header_count_101", x.Downstream.Details);
        Assert.Equal(1, emulator.Stats.RejectedHeaderMutations);
    }

    [Fact]
    public async Task Clear_route_cache_counts_only_with_a_header_mutation()
    {
        var without = new ProcessingResponse
        {
            RequestHeaders = new HeadersResponse { Response = new CommonResponse { ClearRouteCache = true } },
        };
        await using var host = await ExtProcHost.InMemoryAsync(
            Scripts.Answer(r => r.RequestCase == ProcessingRequest.RequestOneofCase.RequestHeaders ? without : Continue(r)));
        var emulator = host.Emulator();
        var first = await emulator.SendAsync(TestOptions.Get()).Within();
        host.Processor.Script = OnRequest(Set(("x-a", "1")), clearRouteCache: true);
        var second = await emulator.SendAsync(TestOptions.Get()).Within();

        Assert.Equal((false, true), (first.RouteCacheCleared, second.RouteCacheCleared));
        Assert.Equal(1, emulator.Stats.ClearRouteCacheIgnored);
    }

    [Fact]
    public async Task Continue_and_replace_may_change_method()
    {
        var answer = RequestHeaders(Set((":method", "POST")));
        answer.RequestHeaders.Response.Status = CommonResponse.Types.ResponseStatus.ContinueAndReplace;
        await using var host = await ExtProcHost.InMemoryAsync(
            Scripts.Answer(r => r.RequestCase == ProcessingRequest.RequestOneofCase.RequestHeaders ? answer : Continue(r)));
        var x = await host.Emulator().SendAsync(TestOptions.Get()).Within();

        Assert.Equal("POST", x.Upstream!.Method);
    }
}

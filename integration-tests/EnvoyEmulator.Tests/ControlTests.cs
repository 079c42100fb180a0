using System.Diagnostics;
using Envoy.Config.Core.V3;
using Envoy.Extensions.Filters.Http.ExtProc.V3;
using Envoy.Service.ExtProc.V3;
using Envoy.Type.V3;
using EnvoyEmulator.Tests.Infrastructure;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using static EnvoyEmulator.Tests.Infrastructure.Responses;

namespace EnvoyEmulator.Tests;

/// <summary>immediate_response, mode_override and override_message_timeout (doc §1b).</summary>
public sealed class ControlTests
{
    [Fact]
    public async Task Immediate_response_becomes_the_local_reply()
    {
        var immediate = new ProcessingResponse
        {
            ImmediateResponse = new ImmediateResponse
            {
                Status = new HttpStatus { Code = StatusCode.Forbidden },
                Headers = Set(("x-denied-by", "trace-filter"), ("x-envoy-foo", "dropped")),
                Body = ByteString.CopyFromUtf8("denied"),
                Details = "blocked by policy",
            },
        };
        await using var host = await ExtProcHost.InMemoryAsync(Scripts.AfterFirst(immediate));
        var emulator = host.Emulator();
        var x = await emulator.SendAsync(TestOptions.Get()).Within();

        Assert.Equal((ExchangeOutcome.ImmediateResponse, 403, "denied", "blocked_by_policy"),
            (x.Outcome, x.Downstream.Status, x.Downstream.Body, x.Downstream.Details));
        Assert.Equal(["content-length: 6", "content-type: text/plain", "server: envoy", "x-denied-by: trace-filter"],
            x.Downstream.Headers.ToSortedLines());
        Assert.Null(x.Upstream);
        Assert.Equal((1, 1, 1), (emulator.Stats.StreamMsgsReceived, emulator.Stats.RejectedHeaderMutations, emulator.Stats.StreamsClosed));
    }

    [Fact]
    public async Task Immediate_response_without_status_is_200()
    {
        var immediate = new ProcessingResponse { ImmediateResponse = new ImmediateResponse() };
        await using var host = await ExtProcHost.InMemoryAsync(Scripts.AfterFirst(immediate));
        var x = await host.Emulator().SendAsync(TestOptions.Get()).Within();

        Assert.Equal((200, "", ""), (x.Downstream.Status, x.Downstream.Body, x.Downstream.Details));
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 2)]
    public async Task Mode_override_skips_response_headers_only_when_allowed(bool allow, int messagesSent)
    {
        var answer = new ProcessingResponse
        {
            RequestHeaders = new HeadersResponse(),
            ModeOverride = new ProcessingMode { ResponseHeaderMode = ProcessingMode.Types.HeaderSendMode.Skip },
        };
        await using var host = await ExtProcHost.InMemoryAsync(Scripts.Answer(r =>
            r.RequestCase == ProcessingRequest.RequestOneofCase.RequestHeaders ? answer : Continue(r)));
        var x = await host.Emulator(TestOptions.Default() with { AllowModeOverride = allow }).SendAsync(TestOptions.Get()).Within();

        Assert.Equal(ExchangeOutcome.Processed, x.Outcome);
        Assert.Equal(messagesSent, x.Sent.Count);
    }

    [Fact]
    public async Task Skip_request_headers_opens_the_stream_on_response_headers()
    {
        await using var host = await ExtProcHost.InMemoryAsync();
        var mode = EmulatorOptions.DefaultProcessingMode();
        mode.RequestHeaderMode = ProcessingMode.Types.HeaderSendMode.Skip;
        var x = await host.Emulator(TestOptions.Default() with { ProcessingMode = mode }).SendAsync(TestOptions.Get()).Within();

        Assert.Equal(ProcessingRequest.RequestOneofCase.ResponseHeaders, Assert.Single(x.Sent).RequestCase);
        Assert.NotNull(x.Sent[0].ProtocolConfig); // first message of the stream
    }

    [Fact]
    public async Task Override_message_timeout_restarts_the_timer_once()
    {
        // The first timer must outlast the server's override on a loaded machine (a 50 ms one did not), and the
        // override must end later than the first timer would have: 2 s, then 2.5 s from the override.
        var extend = new ProcessingResponse { OverrideMessageTimeout = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(2500)) };
        await using var host = await ExtProcHost.InMemoryAsync(Scripts.AfterFirst(extend, extend));
        var emulator = host.Emulator(TestOptions.Default() with
        {
            MessageTimeout = TimeSpan.FromSeconds(2),
            MaxMessageTimeout = TimeSpan.FromSeconds(5),
        });
        var watch = Stopwatch.StartNew();
        var x = await emulator.SendAsync(TestOptions.Get()).Within();

        // The server never answers: the emulator waited for the overridden timer, not the 2 s one.
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(2500), $"gave up after {watch.Elapsed}");
        Assert.Equal(ExchangeOutcome.FailOpenTimeout, x.Outcome);
        Assert.Equal((1, 1, 1, 0), (emulator.Stats.OverrideMessageTimeoutReceived, emulator.Stats.OverrideMessageTimeoutIgnored,
            emulator.Stats.MessageTimeouts, emulator.Stats.StreamMsgsReceived));
    }

    [Fact]
    public async Task Override_message_timeout_is_ignored_without_max_message_timeout()
    {
        var extend = new ProcessingResponse
        {
            OverrideMessageTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(3)),
            RequestHeaders = new HeadersResponse(), // ignored: the override makes Envoy ignore the rest
        };
        await using var host = await ExtProcHost.InMemoryAsync(Scripts.AfterFirst(extend));
        // 1 s, not less: the override must arrive before the timer fires even on a loaded machine.
        var emulator = host.Emulator(TestOptions.Default() with { MessageTimeout = TimeSpan.FromSeconds(1) });
        var x = await emulator.SendAsync(TestOptions.Get()).Within();

        Assert.Equal(ExchangeOutcome.FailOpenTimeout, x.Outcome);
        Assert.Equal((0, 1), (emulator.Stats.OverrideMessageTimeoutReceived, emulator.Stats.OverrideMessageTimeoutIgnored));
    }
}

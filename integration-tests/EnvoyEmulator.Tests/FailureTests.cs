using System.Net;
using System.Net.Sockets;
using Envoy.Service.ExtProc.V3;
using EnvoyEmulator.Tests.Infrastructure;
using Grpc.Core;
using Grpc.Net.Client;
using static EnvoyEmulator.Tests.Infrastructure.Responses;

namespace EnvoyEmulator.Tests;

/// <summary>Timeouts, spurious answers, early close and gRPC errors (doc §1b "Wrong response type ...").</summary>
public sealed class FailureTests
{
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task Timeout_with_failure_mode_allow_continues_unmodified()
    {
        await using var host = await ExtProcHost.InMemoryAsync(Scripts.NeverAnswer);
        var emulator = host.Emulator(TestOptions.Default() with { MessageTimeout = ShortTimeout });
        var x = await emulator.SendAsync(TestOptions.Get()).Within();

        Assert.Equal((ExchangeOutcome.FailOpenTimeout, 200, "via_upstream"), (x.Outcome, x.Downstream.Status, x.Downstream.Details));
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736/1;o=1", x.Upstream!.Get("x-cloud-trace-context"));
        Assert.Single(x.Sent); // no response_headers after giving up on the server
        Assert.Equal((1, 1, 1, 1), (emulator.Stats.MessageTimeouts, emulator.Stats.FailureModeAllowed,
            emulator.Stats.StreamsClosed, emulator.Stats.StreamMsgsSent));
    }

    [Theory]
    [InlineData("1.36", 504)]
    [InlineData("1.31", 504)]
    [InlineData("1.30", 500)]
    public async Task Timeout_without_failure_mode_allow_is_a_local_reply(string version, int status)
    {
        await using var host = await ExtProcHost.InMemoryAsync(Scripts.NeverAnswer);
        var emulator = host.Emulator(TestOptions.Default(version) with { MessageTimeout = ShortTimeout, FailureModeAllow = false });
        var x = await emulator.SendAsync(TestOptions.Get()).Within();

        Assert.Equal((ExchangeOutcome.LocalReplyError, status, "ext_proc_error_per-message_timeout_exceeded"),
            (x.Outcome, x.Downstream.Status, x.Downstream.Details));
        Assert.Null(x.Upstream);
        Assert.Equal((1, 0), (emulator.Stats.MessageTimeouts, emulator.Stats.FailureModeAllowed));
    }

    public static TheoryData<string, bool, ExchangeOutcome, int, string> SpuriousCases => new()
    {
        { "1.34", false, ExchangeOutcome.SpuriousBypass, 200, "via_upstream" },
        { "1.36", true, ExchangeOutcome.FailOpenSpurious, 200, "via_upstream" },
        { "1.36", false, ExchangeOutcome.LocalReplyError, 500, "spurious_message" },
    };

    [Theory]
    [MemberData(nameof(SpuriousCases))]
    public async Task Wrong_arm_is_spurious_per_version(string version, bool failOpen, ExchangeOutcome outcome,
        int status, string details)
    {
        var wrongArm = new ProcessingResponse { ResponseHeaders = new HeadersResponse() };
        await using var host = await ExtProcHost.InMemoryAsync(Scripts.AfterFirst(wrongArm));
        var emulator = host.Emulator(TestOptions.Default(version) with { FailureModeAllow = failOpen });
        var x = await emulator.SendAsync(TestOptions.Get()).Within();

        Assert.Equal((outcome, status, details), (x.Outcome, x.Downstream.Status, x.Downstream.Details));
        Assert.Single(x.Sent); // nothing more goes to the server
        Assert.Equal((1, 0), (emulator.Stats.SpuriousMsgsReceived, emulator.Stats.StreamMsgsReceived));
        Assert.Equal(version == "1.36" && failOpen ? 1 : 0, emulator.Stats.FailureModeAllowed);
    }

    [Fact]
    public async Task Empty_answer_is_unhandled_and_fails_closed_on_1_36()
    {
        await using var host = await ExtProcHost.InMemoryAsync(Scripts.AfterFirst(new ProcessingResponse()));
        var x = await host.Emulator(TestOptions.Default() with { FailureModeAllow = false }).SendAsync(TestOptions.Get()).Within();

        Assert.Equal((500, "unhandled_message"), (x.Downstream.Status, x.Downstream.Details));
    }

    [Fact]
    public async Task Second_answer_is_spurious()
    {
        var answer = new ProcessingResponse { RequestHeaders = new HeadersResponse() };
        await using var host = await ExtProcHost.InMemoryAsync(Scripts.AfterFirst(answer, answer));
        var emulator = host.Emulator();
        var x = await emulator.SendAsync(TestOptions.Get()).Within();

        Assert.Equal((ExchangeOutcome.FailOpenSpurious, 200), (x.Outcome, x.Downstream.Status));
        Assert.Equal((1, 1), (emulator.Stats.SpuriousMsgsReceived, emulator.Stats.FailureModeAllowed));
    }

    [Fact]
    public async Task Server_closing_ok_before_answering_continues_unmodified()
    {
        await using var host = await ExtProcHost.InMemoryAsync(async call => await call.ReadAsync());
        var emulator = host.Emulator(TestOptions.Default() with { FailureModeAllow = false });
        var x = await emulator.SendAsync(TestOptions.Get()).Within();

        Assert.Equal((ExchangeOutcome.ClosedByServer, 200), (x.Outcome, x.Downstream.Status));
        Assert.Equal(StatusCode.OK, x.ServerStatus!.Value.StatusCode);
        Assert.Single(x.Sent);
        Assert.Equal((1, 0), (emulator.Stats.StreamsClosed, emulator.Stats.StreamsFailed));
    }

    [Theory]
    [InlineData(true, ExchangeOutcome.FailOpenError, 200, "via_upstream")]
    [InlineData(false, ExchangeOutcome.LocalReplyError, 500, "ext_proc_error_gRPC_error_14{processor_down}")]
    public async Task Grpc_error_fails_open_or_closed(bool failOpen, ExchangeOutcome outcome, int status, string details)
    {
        await using var host = await ExtProcHost.InMemoryAsync(async call =>
        {
            await call.ReadAsync();
            throw new RpcException(new Status(StatusCode.Unavailable, "processor down"));
        });
        var emulator = host.Emulator(TestOptions.Default() with { FailureModeAllow = failOpen });
        var x = await emulator.SendAsync(TestOptions.Get()).Within();

        Assert.Equal((outcome, status, details), (x.Outcome, x.Downstream.Status, x.Downstream.Details));
        Assert.Equal((1, failOpen ? 1 : 0, failOpen ? 1 : 0), (emulator.Stats.StreamsFailed,
            emulator.Stats.FailureModeAllowed, emulator.Stats.StreamsClosed));
    }

    [Theory]
    [InlineData(true, 200)]
    [InlineData(false, 500)]
    public async Task Connection_refused_is_a_grpc_error(bool failOpen, int status)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there any more
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var emulator = new EnvoyExtProcEmulator(channel, TestOptions.Default() with { FailureModeAllow = failOpen });
        var x = await emulator.SendAsync(TestOptions.Get()).Within();

        Assert.Equal(status, x.Downstream.Status);
        Assert.Equal(failOpen ? ExchangeOutcome.FailOpenError : ExchangeOutcome.LocalReplyError, x.Outcome);
        Assert.Equal(failOpen ? "via_upstream" : "ext_proc_error_gRPC_error_14", x.Downstream.Details.Split('{')[0]);
        Assert.Equal(1, emulator.Stats.StreamsFailed);
    }

    [Fact]
    public async Task Fail_closed_grpc_error_while_the_upstream_works_answers_500_and_resets_the_upstream()
    {
        await using var host = await ExtProcHost.InMemoryAsync(async call =>
        {
            await call.WriteAsync(Continue((await call.ReadAsync())!));
            throw new RpcException(new Status(StatusCode.Internal, "late failure"));
        });
        var emulator = host.Emulator(TestOptions.Default() with { FailureModeAllow = false });
        var upstreamReset = false;
        var x = await emulator.SendAsync(TestOptions.Get(), async (_, ct) =>
        {
            var reset = new TaskCompletionSource();
            using var registration = ct.Register(() => reset.TrySetResult());
            await reset.Task.Within(); // the application never answers; only Envoy's reset ends it
            upstreamReset = true;
            return UpstreamResponse.Ok();
        }).Within();

        Assert.True(upstreamReset);
        Assert.Equal((500, "ext_proc_error_gRPC_error_13{late_failure}", ExchangeOutcome.LocalReplyError),
            (x.Downstream.Status, x.Downstream.Details, x.Outcome));
        Assert.NotNull(x.Upstream); // the request had reached the application
        Assert.Single(x.Sent);
        Assert.Equal((1, 0), (emulator.Stats.StreamsFailed, emulator.Stats.StreamsClosed));
    }
}

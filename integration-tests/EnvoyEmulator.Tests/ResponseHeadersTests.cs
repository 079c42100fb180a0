using Envoy.Service.ExtProc.V3;
using EnvoyEmulator.Tests.Infrastructure;
using static EnvoyEmulator.Tests.Infrastructure.Responses;

namespace EnvoyEmulator.Tests;

/// <summary>The response phase (doc §3 item 4).</summary>
public sealed class ResponseHeadersTests
{
    [Theory]
    [InlineData("", true)]
    [InlineData("hello world!", false)]
    public async Task Response_headers_carry_status_upstream_headers_and_service_time(string body, bool endOfStream)
    {
        await using var host = await ExtProcHost.InMemoryAsync();
        var options = TestOptions.Default() with { ResponseAttributes = ["response.code", "response.code_details"] };
        var x = await host.Emulator(options).SendAsync(TestOptions.Get(), (_, _) => Task.FromResult(new UpstreamResponse
        {
            Status = 200,
            Headers = { ("Content-Type", "text/plain"), ("content-length", body.Length.ToString()) },
            Body = body,
        })).Within();

        Assert.Equal(ExchangeOutcome.Processed, x.Outcome);
        var sent = x.ResponseHeadersSent!;
        Assert.Equal(endOfStream, sent.EndOfStream);
        var pairs = ProtoAssert.RawPairs(sent);
        Assert.Equal([":status", "content-type", "content-length", "x-envoy-upstream-service-time"], pairs.Select(p => p.Item1));
        Assert.Equal((":status", "200"), pairs[0]);
        Assert.Matches("^[0-9]+$", pairs[3].Item2);
        var attributes = x.Sent[1].Attributes["envoy.filters.http.ext_proc"].Fields;
        Assert.Equal((200d, "via_upstream"), (attributes["response.code"].NumberValue, attributes["response.code_details"].StringValue));
        Assert.Equal((200, body, "via_upstream"), (x.Downstream.Status, x.Downstream.Body, x.Downstream.Details));
    }

    [Fact]
    public async Task Response_mutations_reach_the_client_and_pseudo_headers_cannot_be_appended()
    {
        var mutation = Set(("x-trace-id", "80f198ee56343ba864fe8b2a57d3eff7"), (":status", "201"));
        mutation.SetHeaders.Add(Option(":status", "299", append: true));
        mutation.RemoveHeaders.Add("x-internal");
        await using var host = await ExtProcHost.InMemoryAsync(Scripts.Answer(r =>
            r.RequestCase == ProcessingRequest.RequestOneofCase.ResponseHeaders ? ResponseHeaders(mutation) : Continue(r)));
        var emulator = host.Emulator();
        var x = await emulator.SendAsync(TestOptions.Get(),
            (_, _) => Task.FromResult(new UpstreamResponse { Headers = { ("x-internal", "1"), ("server", "kestrel") } })).Within();

        Assert.Equal(201, x.Downstream.Status);
        Assert.Equal("80f198ee56343ba864fe8b2a57d3eff7", x.Downstream.Get("x-trace-id"));
        Assert.Null(x.Downstream.Get("x-internal"));
        Assert.Equal("envoy", x.Downstream.Get("server"));
        Assert.Equal(1, emulator.Stats.RejectedHeaderMutations);
    }

    [Fact]
    public async Task Server_finishing_right_after_the_response_answer_is_normal()
    {
        await using var host = await ExtProcHost.InMemoryAsync(Scripts.ContinueThenFinishEarly);
        var emulator = host.Emulator();
        var x = await emulator.SendAsync(TestOptions.Get()).Within();

        Assert.Equal(ExchangeOutcome.Processed, x.Outcome);
        Assert.Equal((1, 1, 2, 2, 0), (emulator.Stats.StreamsStarted, emulator.Stats.StreamsClosed,
            emulator.Stats.StreamMsgsSent, emulator.Stats.StreamMsgsReceived, emulator.Stats.StreamsFailed));
    }

    [Theory]
    [InlineData("1.36", false)]
    [InlineData("1.33.1", false)]
    [InlineData("1.33.0", true)]
    [InlineData("1.37", true)]
    public async Task Router_local_reply_reaches_ext_proc_only_in_some_versions(string version, bool sent)
    {
        await using var host = await ExtProcHost.InMemoryAsync();
        var x = await host.Emulator(TestOptions.Default(version))
            .SendAsync(TestOptions.Get(), (_, _) => Task.FromResult(UpstreamResponse.Reset())).Within();

        Assert.Equal((503, "upstream_reset_before_response_started{remote_reset}"), (x.Downstream.Status, x.Downstream.Details));
        Assert.Equal("upstream connect error or disconnect/reset before headers. reset reason: remote reset", x.Downstream.Body);
        Assert.Equal(ExchangeOutcome.Processed, x.Outcome);
        Assert.Equal(sent, x.ResponseHeadersSent is not null);
        if (sent)
        {
            Assert.Equal([(":status", "503"), ("content-length", "85"), ("content-type", "text/plain")],
                ProtoAssert.RawPairs(x.ResponseHeadersSent!));
        }
    }
}

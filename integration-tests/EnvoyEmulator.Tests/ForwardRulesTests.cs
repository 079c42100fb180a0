using EnvoyEmulator.Tests.Infrastructure;

namespace EnvoyEmulator.Tests;

/// <summary>forward_rules: Envoy sends only the allowed headers, on requests and responses alike.</summary>
public sealed class ForwardRulesTests
{
    private static readonly ForwardRules TraceOnly = new()
    {
        AllowedHeaders = [StringMatch.Exact(":authority"), StringMatch.Exact(":status"), StringMatch.Prefix("x-cloud-"),
            StringMatch.Exact("content-length")],
        DisallowedHeaders = [StringMatch.Exact("content-length")],
    };

    [Theory]
    [InlineData(":authority", true)]
    [InlineData("x-cloud-trace-context", true)]
    [InlineData("user-agent", false)] // not allowed
    [InlineData("content-length", false)] // allowed, but disallowed wins
    public void Allowed_minus_disallowed(string name, bool forwarded) => Assert.Equal(forwarded, TraceOnly.Forwards(name));

    [Fact]
    public void Without_rules_everything_is_sent_and_disallowed_alone_only_removes()
    {
        Assert.True(ForwardRules.All.Forwards("anything"));
        var rules = new ForwardRules { DisallowedHeaders = [StringMatch.Prefix(":")] };
        Assert.False(rules.Forwards(":path"));
        Assert.True(rules.Forwards("user-agent"));
    }

    [Fact]
    public async Task Messages_carry_only_forwarded_headers_while_upstream_and_client_get_all()
    {
        await using var host = await ExtProcHost.InMemoryAsync();
        var options = TestOptions.Default() with { ForwardRules = TraceOnly };
        var x = await host.Emulator(options).SendAsync(TestOptions.Get(), (_, _) => Task.FromResult(new UpstreamResponse
        {
            Status = 200,
            Headers = { ("content-type", "text/plain"), ("content-length", "2") },
            Body = "ok",
        })).Within();

        Assert.Equal(ExchangeOutcome.Processed, x.Outcome);
        Assert.Equal(
            [(":authority", "api.example.com"), ("x-cloud-trace-context", "4bf92f3577b34da6a3ce929d0e0e4736/1;o=1")],
            ProtoAssert.RawPairs(x.RequestHeadersSent!));
        Assert.Equal([(":status", "200")], ProtoAssert.RawPairs(x.ResponseHeadersSent!));
        Assert.Equal("curl/8.5.0", x.Upstream!.Headers.Get("user-agent"));
        Assert.Equal("2", x.Downstream.Headers.Get("content-length"));
        Assert.Equal("text/plain", x.Downstream.Headers.Get("content-type"));
    }

    [Fact]
    public async Task Attributes_still_see_every_header()
    {
        await using var host = await ExtProcHost.InMemoryAsync();
        var options = TestOptions.Default() with
        {
            ForwardRules = TraceOnly,
            RequestAttributes = ["request.headers['user-agent']"],
        };
        var x = await host.Emulator(options).SendAsync(TestOptions.Get()).Within();

        // CEL reads Envoy's header map, not the filtered message.
        Assert.Equal("curl/8.5.0", x.Sent[0].Attributes["envoy.filters.http.ext_proc"].Fields["request.headers['user-agent']"].StringValue);
    }
}

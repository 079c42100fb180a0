using System.Net;
using System.Net.Sockets;
using System.Text;
using EnvoyTraceFilter.Core.XRay;
using EnvoyTraceFilter.Exporters.XRay;
using Microsoft.Extensions.Logging.Abstractions;

namespace EnvoyTraceFilter.Tests.Exporters.XRay;

public sealed class XRayUdpEmitterTests
{
    private static readonly byte[] Datagram = Encoding.UTF8.GetBytes("{\"format\": \"json\", \"version\": 1}\n{\"name\":\"n\"}");

    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly XRayExporterOptions _options = new()
    {
        DnsRefreshInterval = TimeSpan.FromSeconds(30),
        DnsRetryInterval = TimeSpan.FromSeconds(2),
    };

    private readonly List<string> _lookups = [];

    [Fact]
    public async Task Ip_literal_is_connected_without_any_lookup()
    {
        using var daemon = new FakeDaemon();
        using var emitter = Emitter($"127.0.0.1:{daemon.Port}", _ => throw new InvalidOperationException("no DNS"));

        await emitter.RefreshAsync(CancellationToken.None);

        Assert.Equal(XRaySendStatus.Sent, emitter.Send(Datagram, out _));
        Assert.Equal("n", (await daemon.ReceiveAsync()).Document.GetProperty("name").GetString());
        Assert.Empty(_lookups);
    }

    [Fact]
    public async Task Dns_name_prefers_ipv4_and_is_re_resolved_only_when_due()
    {
        using var daemon = new FakeDaemon();
        using var emitter = Emitter($"xray-daemon:{daemon.Port}", _ => [IPAddress.IPv6Loopback, IPAddress.Loopback]);

        await emitter.RefreshAsync(CancellationToken.None);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, daemon.Port), emitter.CurrentEndPoint);
        Assert.Equal(XRaySendStatus.Sent, emitter.Send(Datagram, out _));
        await daemon.ReceiveAsync();

        _time.Advance(TimeSpan.FromSeconds(29));
        await emitter.RefreshAsync(CancellationToken.None);
        Assert.Single(_lookups);

        _time.Advance(TimeSpan.FromSeconds(1));
        await emitter.RefreshAsync(CancellationToken.None);
        Assert.Equal(["xray-daemon", "xray-daemon"], _lookups);
    }

    [Fact]
    public async Task Failed_lookup_keeps_the_last_good_address()
    {
        using var daemon = new FakeDaemon();
        var fail = false;
        using var emitter = Emitter($"xray-daemon:{daemon.Port}",
            _ => fail ? throw new SocketException((int)SocketError.HostNotFound) : [IPAddress.Loopback]);
        await emitter.RefreshAsync(CancellationToken.None);

        fail = true;
        _time.Advance(TimeSpan.FromSeconds(30));
        await emitter.RefreshAsync(CancellationToken.None);

        Assert.Equal(2, _lookups.Count);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, daemon.Port), emitter.CurrentEndPoint);
        Assert.Equal(XRaySendStatus.Sent, emitter.Send(Datagram, out _));
        await daemon.ReceiveAsync();

        // A failed lookup is retried after the short retry interval, not the full refresh interval.
        _time.Advance(TimeSpan.FromSeconds(2));
        await emitter.RefreshAsync(CancellationToken.None);
        Assert.Equal(3, _lookups.Count);
    }

    [Fact]
    public async Task New_answer_moves_the_socket_to_the_new_address()
    {
        using var first = new FakeDaemon(IPAddress.Loopback);
        using var second = new FakeDaemon(IPAddress.Parse("127.0.0.2"), first.Port);
        var answer = IPAddress.Loopback;
        using var emitter = Emitter($"xray-daemon:{first.Port}", _ => [answer]);
        await emitter.RefreshAsync(CancellationToken.None);

        answer = IPAddress.Parse("127.0.0.2");
        _time.Advance(TimeSpan.FromSeconds(30));
        await emitter.RefreshAsync(CancellationToken.None);

        Assert.Equal(XRaySendStatus.Sent, emitter.Send(Datagram, out _));
        Assert.Equal("n", (await second.ReceiveAsync()).Document.GetProperty("name").GetString());
        Assert.Equal("xray-daemon:" + first.Port + " (127.0.0.2:" + first.Port + ")", emitter.Describe());
    }

    [Fact]
    public async Task Send_failure_brings_the_next_lookup_forward()
    {
        using var emitter = Emitter("xray-daemon:2000", _ => [IPAddress.Loopback]);
        await emitter.RefreshAsync(CancellationToken.None);

        emitter.OnSendFailed();
        _time.Advance(TimeSpan.FromSeconds(2));
        await emitter.RefreshAsync(CancellationToken.None);

        Assert.Equal(2, _lookups.Count);
    }

    [Fact]
    public async Task Without_any_resolved_address_nothing_is_sent()
    {
        using var emitter = Emitter("xray-daemon:2000", _ => []);

        await emitter.RefreshAsync(CancellationToken.None);

        Assert.Null(emitter.CurrentEndPoint);
        Assert.Equal(XRaySendStatus.NoAddress, emitter.Send(Datagram, out _));
    }

    [Fact]
    public async Task Slow_lookup_is_abandoned_at_the_resolve_timeout()
    {
        _options.DnsResolveTimeout = TimeSpan.FromMilliseconds(50);
        using var emitter = new XRayUdpEmitter(Parse("xray-daemon:2000"), _options, _time, NullLogger.Instance,
            async (_, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return [];
            });

        await emitter.RefreshAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Null(emitter.CurrentEndPoint);
    }

    private XRayUdpEmitter Emitter(string address, Func<string, IPAddress[]> answer) =>
        new(Parse(address), _options, _time, NullLogger.Instance, (host, _) =>
        {
            _lookups.Add(host);
            return Task.FromResult(answer(host));
        });

    private static XRayDaemonAddress Parse(string value) =>
        XRayDaemonAddress.TryParse(value, out var address, out var error) ? address : throw new FormatException(error);
}

using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Spans;

namespace EnvoyTraceFilter.Tests.Exporters.XRay;

/// <summary>A UDP socket on 127.0.0.1:0 standing in for the daemon.</summary>
internal sealed class FakeDaemon : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public FakeDaemon(IPAddress? address = null, int port = 0) =>
        _socket.Bind(new IPEndPoint(address ?? IPAddress.Loopback, port));

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    /// <summary>Next datagram's header line and parsed document; fails after a bounded wait.</summary>
    public async Task<(string Header, JsonElement Document)> ReceiveAsync()
    {
        var buffer = new byte[70_000];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var length = await _socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        var text = Encoding.UTF8.GetString(buffer, 0, length);
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        Assert.True(newline > 0, text);
        using var document = JsonDocument.Parse(text[(newline + 1)..]);
        return (text[..(newline + 1)], document.RootElement.Clone());
    }

    public void Dispose() => _socket.Dispose();
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options);
        _meters.Add(meter);
        return meter;
    }

    public bool Owns(Meter meter) => _meters.Contains(meter);

    public void Dispose() => _meters.ForEach(m => m.Dispose());
}

internal static class TestSpans
{
    /// <summary>A span whose trace id carries the current epoch, as the translator mints them.</summary>
    public static SpanRecord Fresh(ulong spanId = 0x53995c3f42cd8ad8UL, string name = "shop", string url = "https://shop/x")
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return WithTraceId(new TraceId(((ulong)now << 32) | 0xa0066491UL, 0x27e371903a2de979UL), spanId, name, url);
    }

    /// <summary>The W3C spec's example id: its first 32 bits are an epoch in 2010.</summary>
    public static SpanRecord Foreign() => WithTraceId(new TraceId(0x4bf92f3577b34da6UL, 0xa3ce929d0e0e4736UL));

    public static SpanRecord WithTraceId(TraceId traceId, ulong spanId = 0x53995c3f42cd8ad8UL, string name = "shop",
        string url = "https://shop/x") => new()
    {
        TraceId = traceId,
        SpanId = new SpanId(spanId),
        ParentSpanId = new SpanId(0x0123456789abcdefUL),
        Name = name,
        StartUnixMicros = 1_700_000_000_123_456,
        EndUnixMicros = 1_700_000_000_234_567,
        Method = "GET",
        Url = url,
        ClientIp = "203.0.113.9",
        ClientIpFromForwardedFor = true,
        Status = 200,
        ResponseContentLength = 42,
    };

    public static string XRayTraceId(TraceId id) => $"1-{id.High >> 32:x8}-{id.High & 0xffffffffUL:x8}{id.Low:x16}";
}

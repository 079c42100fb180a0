using EnvoyTraceFilter.Telemetry;
using System.Net;
using System.Net.Sockets;
using EnvoyTraceFilter.Core.XRay;
using Microsoft.Extensions.Logging;

namespace EnvoyTraceFilter.Exporters.XRay;

/// <summary>
/// A connected, non-blocking UDP socket to the daemon. Connecting (rather than sendto) is what makes the
/// kernel report ICMP port-unreachable (ECONNREFUSED) on a later send, so a dead daemon is seen and counted. Sends
/// use the error-code overload: a refused send is a status, not a SocketException (with every request sampled, a
/// dead local daemon otherwise cost one thrown exception per two spans on the export loop).
/// DNS names are resolved here, on the sending loop: every <see cref="XRayExporterOptions.DnsRefreshInterval"/>,
/// and again <see cref="XRayExporterOptions.DnsRetryInterval"/> after a failed send or lookup. A failed lookup
/// keeps the last good address. IPv4 answers are preferred, as the daemon listens on IPv4 by default.
/// </summary>
internal sealed class XRayUdpEmitter : IXRayEmitter
{
    private readonly XRayDaemonAddress _address;
    private readonly XRayExporterOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;
    private readonly LogLimiter _resolveLog;
    private readonly Action<string>? _countError;
    private Socket? _socket;
    private DateTimeOffset _nextRefresh = DateTimeOffset.MinValue;

    public XRayUdpEmitter(XRayDaemonAddress address, XRayExporterOptions options, TimeProvider time, ILogger logger,
        Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null, Action<string>? countError = null)
    {
        _address = address;
        _options = options;
        _time = time;
        _logger = logger;
        _resolve = resolve ?? ((host, ct) => Dns.GetHostAddressesAsync(host, ct));
        _resolveLog = new LogLimiter(time, options.LogInterval);
        _countError = countError;
    }

    public IPEndPoint? CurrentEndPoint { get; private set; }

    public string Describe() =>
        CurrentEndPoint is null || !_address.IsDnsName ? _address.ToString() : $"{_address} ({CurrentEndPoint})";

    public ValueTask RefreshAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (now < _nextRefresh || (!_address.IsDnsName && _socket is not null))
        {
            return ValueTask.CompletedTask;
        }

        if (_address.IpLiteral is { } literal)
        {
            TryConnect(new IPEndPoint(literal, _address.Port), now);
            return ValueTask.CompletedTask;
        }

        return new ValueTask(ResolveAsync(cancellationToken));
    }

    public XRaySendStatus Send(ReadOnlySpan<byte> datagram, out SocketError error)
    {
        var socket = _socket;
        if (socket is null)
        {
            error = SocketError.Success;
            return XRaySendStatus.NoAddress;
        }

        socket.Send(datagram, SocketFlags.None, out error);
        return error switch
        {
            SocketError.Success => XRaySendStatus.Sent,
            SocketError.ConnectionRefused => XRaySendStatus.Refused,
            _ => XRaySendStatus.SocketError,
        };
    }

    public void OnSendFailed()
    {
        var soon = _time.GetUtcNow() + _options.DnsRetryInterval;
        if (_address.IsDnsName && soon < _nextRefresh)
        {
            _nextRefresh = soon;
        }
    }

    public void Dispose() => Interlocked.Exchange(ref _socket, null)?.Dispose();

    private async Task ResolveAsync(CancellationToken cancellationToken)
    {
        Exception? failure = null;
        IPAddress? chosen = null;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(_options.DnsResolveTimeout);
            try
            {
                var addresses = await _resolve(_address.Host, timeout.Token).ConfigureAwait(false);
                chosen = Array.Find(addresses, a => a.AddressFamily == AddressFamily.InterNetwork)
                         ?? Array.Find(addresses, a => a.AddressFamily == AddressFamily.InterNetworkV6);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        }

        var now = _time.GetUtcNow();
        if (chosen is null)
        {
            _nextRefresh = now + _options.DnsRetryInterval;
            _countError?.Invoke(ExportErrors.Resolve);
            if (_resolveLog.TryAcquire(out var suppressed))
            {
                XRayExporterLog.ResolveFailed(_logger, _address.Host, CurrentEndPoint?.ToString() ?? "no address",
                    suppressed, failure);
            }

            return;
        }

        var endPoint = new IPEndPoint(chosen, _address.Port);
        if (endPoint.Equals(CurrentEndPoint) && _socket is not null)
        {
            _nextRefresh = now + _options.DnsRefreshInterval;
            return;
        }

        if (TryConnect(endPoint, now))
        {
            XRayExporterLog.Resolved(_logger, _address.Host, endPoint.ToString());
        }
    }

    private bool TryConnect(IPEndPoint endPoint, DateTimeOffset now)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
        try
        {
            socket.Connect(endPoint);
        }
        catch (SocketException ex)
        {
            // E.g. no IPv6 route: keep the previous socket, if any, and try again later.
            socket.Dispose();
            _nextRefresh = now + _options.DnsRetryInterval;
            if (_resolveLog.TryAcquire(out var suppressed))
            {
                XRayExporterLog.ResolveFailed(_logger, _address.Host, CurrentEndPoint?.ToString() ?? "no address",
                    suppressed, ex);
            }

            return false;
        }

        Interlocked.Exchange(ref _socket, socket)?.Dispose();
        CurrentEndPoint = endPoint;
        _nextRefresh = now + _options.DnsRefreshInterval;
        return true;
    }
}

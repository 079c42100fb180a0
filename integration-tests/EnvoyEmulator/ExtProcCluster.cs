using System.Net;
using System.Net.Sockets;
using EnvoyEmulator.Http2;

namespace EnvoyEmulator;

/// <summary>
/// The ext_proc cluster as Envoy uses it over the raw transport: one connection pool per worker (requests are
/// spread over <see cref="EmulatorOptions.Workers"/> workers in turn); each pool opens its first HTTP/2 connection
/// on demand and another one when every connection has <see cref="EmulatorOptions.MaxConcurrentStreamsPerConnection"/>
/// active streams or the server's SETTINGS_MAX_CONCURRENT_STREAMS, whichever is lower; connections that received
/// GOAWAY take no new stream. The cluster's circuit breaker (<see cref="EmulatorOptions.ClusterMaxRequests"/>, Envoy's
/// max_requests) is shared by all workers: past it the stream fails at once (conn_pool_base.cc: overflow, counted as
/// upstream_rq_pending_overflow) and the ext_proc filter handles the gRPC error (fail-open with failure_mode_allow).
/// </summary>
internal sealed class ExtProcCluster : ISideStreamFactory, IAsyncDisposable
{
    private const string ProcessPath = "/envoy.service.ext_proc.v3.ExternalProcessor/Process";
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    private readonly EndPoint _endPoint;
    private readonly EmulatorOptions _options;
    private readonly EmulatorStats _stats;
    private readonly Worker[] _workers;
    private readonly byte[] _headerBlock;
    private readonly Http2ConnectionOptions _connectionOptions;
    private int _nextWorker = -1;
    private int _activeRequests;

    public ExtProcCluster(EndPoint endPoint, EmulatorOptions options, EmulatorStats stats)
    {
        _endPoint = endPoint;
        _options = options;
        _stats = stats;
        _workers = Enumerable.Range(0, Math.Max(1, options.Workers)).Select(_ => new Worker(this)).ToArray();
        // 1.36 lowered the default windows (runtime guard safe_http2_options); before, both were 256 MiB.
        const int OldDefaultWindow = 268_435_456;
        _connectionOptions = options.EnvoyVersion.AtLeast(36)
            ? new Http2ConnectionOptions { MaxConcurrentStreams = options.MaxConcurrentStreamsPerConnection }
            : new Http2ConnectionOptions
            {
                MaxConcurrentStreams = options.MaxConcurrentStreamsPerConnection,
                InitialStreamWindowSize = OldDefaultWindow,
                ConnectionWindowSize = OldDefaultWindow,
            };
        // Envoy's gRPC client headers (async_client_impl.cc, grpc/common.cc); never grpc-timeout on ext_proc streams.
        _headerBlock = HpackEncoder.GrpcRequest(options.ClusterName, ProcessPath,
        [
            new("x-envoy-internal", "true"),
            new("x-forwarded-for", AddressRules.AddressAsString(options.EnvoyLocalAddress)),
        ]);
    }

    /// <summary>Open connections, per worker (for tests and the CLI).</summary>
    public IReadOnlyList<int> ConnectionsPerWorker => _workers.Select(w => w.ConnectionCount).ToArray();

    public SideStream Open()
    {
        if (Interlocked.Increment(ref _activeRequests) > _options.ClusterMaxRequests)
        {
            Interlocked.Decrement(ref _activeRequests);
            _stats.IncUpstreamRqPendingOverflow();
            return RawSideStream.Overflowed();
        }

        return new RawSideStream(this);
    }

    /// <summary>
    /// Starts <paramref name="call"/> with its first message on the next worker's pool. Returns null, or Envoy's reset
    /// reason when no connection could be made.
    /// </summary>
    public Task<string?> StartAsync(GrpcStreamCall call, byte[] firstMessage)
    {
        var worker = _workers[(int)((uint)Interlocked.Increment(ref _nextWorker) % (uint)_workers.Length)];
        return worker.StartAsync(call, firstMessage);
    }

    /// <summary>Frees one circuit-breaker slot.</summary>
    public void Release() => Interlocked.Decrement(ref _activeRequests);

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            await worker.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>One Envoy worker's connection pool to the cluster.</summary>
    private sealed class Worker(ExtProcCluster cluster) : IAsyncDisposable
    {
        private readonly List<Http2Connection> _connections = [];
        private readonly SemaphoreSlim _connecting = new(1, 1);

        public int ConnectionCount
        {
            get { lock (_connections) { return _connections.Count(c => !c.IsClosed); } }
        }

        public async Task<string?> StartAsync(GrpcStreamCall call, byte[] firstMessage)
        {
            if (TryStart(call, firstMessage))
            {
                return null;
            }

            await _connecting.WaitAsync().ConfigureAwait(false);
            try
            {
                // Another request may have opened a connection meanwhile.
                while (!TryStart(call, firstMessage))
                {
                    Http2Connection connection;
                    // Bounds the connect and the server's SETTINGS, generously: a server that accepts but never speaks HTTP/2
                    // must not hang the emulator (Envoy's connect_timeout bounds only the TCP connect).
                    using var timeout = new CancellationTokenSource(ConnectTimeout);
                    try
                    {
                        connection = await Http2Connection.ConnectAsync(cluster._endPoint, cluster._connectionOptions, timeout.Token)
                            .ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is SocketException or IOException or Http2ProtocolException)
                    {
                        return "connection failure";
                    }
                    catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                    {
                        return "connection timeout";
                    }

                    cluster._stats.IncUpstreamCxTotal();
                    lock (_connections)
                    {
                        _connections.Add(connection);
                    }
                }

                return null;
            }
            finally
            {
                _connecting.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            List<Http2Connection> connections;
            lock (_connections)
            {
                connections = [.. _connections];
                _connections.Clear();
            }

            foreach (var connection in connections)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }

        private bool TryStart(GrpcStreamCall call, byte[] firstMessage)
        {
            lock (_connections)
            {
                _connections.RemoveAll(c => c.IsClosed); // a closed connection's streams already ended
                foreach (var connection in _connections)
                {
                    if (connection.AvailableStreams > 0 && call.TryStart(connection, cluster._headerBlock, firstMessage, hasFirstMessage: true))
                    {
                        return true;
                    }
                }

                return false;
            }
        }
    }
}

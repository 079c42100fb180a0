using System.Net;
using Envoy.Service.ExtProc.V3;
using Grpc.Core;

namespace EnvoyEmulator;

/// <summary>
/// Behaves like Envoy's ext_proc HTTP filter (baseline 1.36, see <see cref="EmulatorOptions.EnvoyVersion"/>)
/// in front of an emulated application: one ext_proc call per <see cref="SendAsync"/>. It judges the server;
/// it never fills in what the server did not do. Safe for concurrent use.
/// </summary>
public sealed class EnvoyExtProcEmulator : IAsyncDisposable
{
    private readonly ISideStreamFactory _transport;
    private readonly ExtProcCluster? _cluster;

    /// <summary>
    /// Over the raw HTTP/2 transport to a server socket: Envoy's frames exactly (HEADERS+DATA in one write,
    /// END_STREAM + RST_STREAM on close, the router's RST_STREAM when the server ends first), Envoy's connection
    /// pools (one per <see cref="EmulatorOptions.Workers"/>) and the cluster circuit breaker. Use this against
    /// any real socket; dispose it to close the connections.
    /// </summary>
    public EnvoyExtProcEmulator(EndPoint server, EmulatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        Options = Validate(options);
        _cluster = new ExtProcCluster(server, Options, Stats);
        _transport = _cluster;
    }

    /// <param name="channel">
    /// A gRPC channel to the ext_proc server; in practice one over <c>TestServer.CreateHandler()</c>. Grpc.Net.Client
    /// is faithful for message content, order, timers and the failure policy, not on the wire: it writes HEADERS and
    /// DATA separately, sends nothing when the server ends the call first, and has no connection pool or circuit
    /// breaker. Prefer <see cref="EnvoyExtProcEmulator(EndPoint, EmulatorOptions?)"/> for a socket.
    /// </param>
    public EnvoyExtProcEmulator(ChannelBase channel, EmulatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(channel);
        Options = Validate(options);
        _transport = new GrpcClientSideStreamFactory(new ExternalProcessor.ExternalProcessorClient(channel), Options);
    }

    public EmulatorOptions Options { get; }

    /// <summary>Cumulative Envoy ext_proc counters over every exchange of this emulator.</summary>
    public EmulatorStats Stats { get; } = new();

    /// <summary>The default application: 200, no headers, no body.</summary>
    public static Task<UpstreamResponse> OkUpstream(UpstreamRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(UpstreamResponse.Ok());

    /// <summary>
    /// Emulates one HTTP request: HCM header handling, the ext_proc exchange, the application
    /// (<paramref name="upstream"/>, default <see cref="OkUpstream"/>) and Envoy's close of the stream.
    /// </summary>
    public async Task<EmulatedExchange> SendAsync(
        DownstreamRequest request,
        Func<UpstreamRequest, CancellationToken, Task<UpstreamResponse>>? upstream = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var runner = new ExchangeRunner(_transport, Options, Stats);
        return await runner.RunAsync(request, upstream ?? OkUpstream).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>HTTP/2 connections open to the server, per worker (raw transport; empty otherwise).</summary>
    public IReadOnlyList<int> ConnectionsPerWorker => _cluster?.ConnectionsPerWorker ?? [];

    /// <summary>Closes the raw transport's connections (GOAWAY); nothing to do for a channel.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static EmulatorOptions Validate(EmulatorOptions? options)
    {
        options ??= new EmulatorOptions();
        var mode = options.ProcessingMode;
        if (mode.RequestBodyMode != default || mode.ResponseBodyMode != default)
        {
            throw new NotSupportedException("Only body mode NONE is emulated.");
        }

        return options;
    }
}

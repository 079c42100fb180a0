using Envoy.Service.ExtProc.V3;
using Grpc.Core;

namespace EnvoyEmulator;

/// <summary>
/// Behaves like Envoy's ext_proc HTTP filter (baseline 1.36, see <see cref="EmulatorOptions.EnvoyVersion"/>)
/// in front of an emulated application: one ext_proc call per <see cref="SendAsync"/>. It judges the server;
/// it never fills in what the server did not do. Safe for concurrent use.
/// </summary>
public sealed class EnvoyExtProcEmulator
{
    private readonly ExternalProcessor.ExternalProcessorClient _client;

    /// <param name="channel">
    /// An HTTP/2 channel to the ext_proc server, e.g. <c>GrpcChannel.ForAddress("http://127.0.0.1:50051")</c>
    /// or one over <c>TestServer.CreateHandler()</c>.
    /// </param>
    public EnvoyExtProcEmulator(ChannelBase channel, EmulatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(channel);
        Options = options ?? new EmulatorOptions();
        var mode = Options.ProcessingMode;
        if (mode.RequestBodyMode != default || mode.ResponseBodyMode != default)
        {
            throw new NotSupportedException("Only body mode NONE is emulated.");
        }

        _client = new ExternalProcessor.ExternalProcessorClient(channel);
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
        var runner = new ExchangeRunner(_client, Options, Stats);
        return await runner.RunAsync(request, upstream ?? OkUpstream).WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}

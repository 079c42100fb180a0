using Envoy.Service.ExtProc.V3;
using Grpc.Core;
using GrpcMetadata = Grpc.Core.Metadata;

namespace EnvoyEmulator;

/// <summary>
/// The ext_proc call over Grpc.Net.Client. Faithful for message content and order, timers and the failure policy,
/// so it serves in-memory (TestServer) hosts. Not faithful on the wire: HEADERS and the first DATA are separate
/// writes, and when the server ends the call first it sends nothing (Envoy resets its side); no connection pool
/// or circuit breaker. Use <see cref="RawSideStream"/> against a socket.
/// </summary>
internal sealed class GrpcClientSideStream : SideStream
{
    private readonly AsyncDuplexStreamingCall<ProcessingRequest, ProcessingResponse> _call;
    private readonly Task _pump;

    private GrpcClientSideStream(AsyncDuplexStreamingCall<ProcessingRequest, ProcessingResponse> call)
    {
        _call = call;
        _pump = Task.Run(PumpAsync);
    }

    public static GrpcClientSideStream Open(ExternalProcessor.ExternalProcessorClient client, EmulatorOptions options)
    {
        var local = AddressRules.AddressAsString(options.EnvoyLocalAddress);
        var metadata = new GrpcMetadata
        {
            // Grpc.Net.Client turns "host" into the HTTP/2 :authority (Envoy uses the cluster name).
            { "host", options.ClusterName },
            { "x-envoy-internal", "true" },
            { "x-forwarded-for", local },
        };
        // No deadline: Envoy never sends grpc-timeout on ext_proc streams.
        return new GrpcClientSideStream(client.Process(new CallOptions(headers: metadata)));
    }

    public override async Task SendAsync(ProcessingRequest message)
    {
        try
        {
            await _call.RequestStream.WriteAsync(message).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or IOException)
        {
            // The call already ended; the reader reports how.
        }
    }

    protected override async Task CloseCoreAsync(CloseStyle style)
    {
        try
        {
            await _call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException or IOException)
        {
            // Already ended by the server: Envoy still resets its side.
        }

        if (style == CloseStyle.Graceful)
        {
            await Task.WhenAny(_pump, Task.Delay(GracefulCloseTimeout)).ConfigureAwait(false);
        }

        _call.Dispose(); // Cancels the call if still open: RST_STREAM(CANCEL) on the wire.
        await _pump.ConfigureAwait(false);
    }

    private async Task PumpAsync()
    {
        try
        {
            while (await _call.ResponseStream.MoveNext(CancellationToken.None).ConfigureAwait(false))
            {
                Deliver(_call.ResponseStream.Current);
            }

            SetRemote(_call.GetStatus());
        }
        catch (RpcException e)
        {
            SetRemote(e.Status);
        }
        catch (Exception e)
        {
            SetRemote(new Status(StatusCode.Unavailable, e.Message));
        }
    }
}

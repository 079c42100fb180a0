using System.Threading.Channels;
using Envoy.Service.ExtProc.V3;
using Grpc.Core;
using GrpcMetadata = Grpc.Core.Metadata;

namespace EnvoyEmulator;

/// <summary>
/// One ext_proc gRPC call, as Envoy's gRPC client opens and closes it (doc §1b "Stream lifecycle"). A pump
/// moves answers into a channel so waiting with a timer never cancels the call itself.
/// </summary>
internal sealed class SideStream
{
    private static readonly TimeSpan GracefulCloseTimeout = TimeSpan.FromMilliseconds(1000);

    private readonly AsyncDuplexStreamingCall<ProcessingRequest, ProcessingResponse> _call;
    private readonly Channel<ProcessingResponse> _inbox = Channel.CreateUnbounded<ProcessingResponse>();
    private readonly Task _pump;
    private volatile bool _closedByEnvoy;

    private SideStream(AsyncDuplexStreamingCall<ProcessingRequest, ProcessingResponse> call)
    {
        _call = call;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>True once the server's end of the call has been seen (OK or error).</summary>
    public bool RemoteClosed { get; private set; }

    public Status? RemoteStatus { get; private set; }

    public bool ClosedByEnvoy => _closedByEnvoy;

    public static SideStream Open(ExternalProcessor.ExternalProcessorClient client, EmulatorOptions options)
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
        return new SideStream(client.Process(new CallOptions(headers: metadata)));
    }

    /// <summary>Sends one message. Failures surface through the pump as the call's status.</summary>
    public async Task SendAsync(ProcessingRequest message)
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

    /// <summary>The next answer or the end of the call, or TimedOut when <paramref name="timer"/> fires.</summary>
    public async Task<StreamEvent> NextAsync(CancellationToken timer)
    {
        try
        {
            if (await _inbox.Reader.WaitToReadAsync(timer).ConfigureAwait(false) && _inbox.Reader.TryRead(out var m))
            {
                return new StreamEvent(StreamEventKind.Message, m);
            }

            return Ended();
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested)
        {
            return StreamEvent.TimedOut;
        }
        catch (Exception)
        {
            return Ended();
        }
    }

    /// <summary>An event that is already available, without waiting.</summary>
    public StreamEvent? Poll()
    {
        if (_inbox.Reader.TryRead(out var m))
        {
            return new StreamEvent(StreamEventKind.Message, m);
        }

        return _inbox.Reader.Completion.IsCompleted ? Ended() : null;
    }

    /// <summary>Completes when an event is available (does not consume it).</summary>
    public Task WhenEventAsync(CancellationToken cancel) => _inbox.Reader.WaitToReadAsync(cancel).AsTask();

    /// <summary>
    /// Envoy's close(): half-close immediately followed by a reset (default), or half-close and wait up to
    /// 1000 ms for the server to finish (graceful). Returns false if the stream was already closed.
    /// </summary>
    public async Task<bool> CloseAsync(CloseStyle style)
    {
        if (_closedByEnvoy)
        {
            return false;
        }

        _closedByEnvoy = true;
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
        return true;
    }

    private StreamEvent Ended()
    {
        var status = RemoteStatus ?? new Status(StatusCode.Unknown, "stream ended");
        return status.StatusCode == StatusCode.OK
            ? new StreamEvent(StreamEventKind.ClosedOk, Status: status)
            : new StreamEvent(StreamEventKind.Failed, Status: status);
    }

    private async Task PumpAsync()
    {
        try
        {
            while (await _call.ResponseStream.MoveNext(CancellationToken.None).ConfigureAwait(false))
            {
                _inbox.Writer.TryWrite(_call.ResponseStream.Current);
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

    private void SetRemote(Status status)
    {
        // A cancellation caused by our own reset is not the server's doing.
        if (!(_closedByEnvoy && status.StatusCode == StatusCode.Cancelled))
        {
            RemoteStatus = status;
            RemoteClosed = true;
        }

        _inbox.Writer.TryComplete();
    }
}

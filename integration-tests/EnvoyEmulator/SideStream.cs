using System.Threading.Channels;
using Envoy.Service.ExtProc.V3;
using Grpc.Core;

namespace EnvoyEmulator;

/// <summary>
/// One ext_proc gRPC call, as Envoy's gRPC client opens and closes it (doc §1b "Stream lifecycle"). Answers are
/// moved into an inbox so waiting with a timer never cancels the call itself. Two transports implement it:
/// <see cref="RawSideStream"/> (raw HTTP/2 frames, Envoy's frames exactly) and <see cref="GrpcClientSideStream"/>
/// (Grpc.Net.Client, for in-memory TestServer hosts where no HTTP/2 frames exist).
/// </summary>
internal abstract class SideStream
{
    protected static readonly TimeSpan GracefulCloseTimeout = TimeSpan.FromMilliseconds(1000);

    private readonly Channel<ProcessingResponse> _inbox = Channel.CreateUnbounded<ProcessingResponse>();
    private volatile bool _closedByEnvoy;

    /// <summary>True once the server's end of the call has been seen (OK or error).</summary>
    public bool RemoteClosed { get; private set; }

    public Status? RemoteStatus { get; private set; }

    public bool ClosedByEnvoy => _closedByEnvoy;

    /// <summary>
    /// Set when the stream could not even start (cluster circuit breaker overflow): Envoy's gRPC client fails it
    /// inline, before streams_started is counted or any message is sent.
    /// </summary>
    public Status? OpenFailure { get; protected init; }

    /// <summary>Sends one message (the first one opens the stream). Failures surface as the call's status.</summary>
    public abstract Task SendAsync(ProcessingRequest message);

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
    /// 1000 ms for the server to finish (graceful). Returns false if the stream was already closed by Envoy.
    /// </summary>
    public async Task<bool> CloseAsync(CloseStyle style)
    {
        if (_closedByEnvoy)
        {
            return false;
        }

        _closedByEnvoy = true;
        await CloseCoreAsync(style).ConfigureAwait(false);
        return true;
    }

    protected abstract Task CloseCoreAsync(CloseStyle style);

    protected void Deliver(ProcessingResponse message) => _inbox.Writer.TryWrite(message);

    protected void SetRemote(Status status)
    {
        // A cancellation caused by our own reset is not the server's doing.
        if (!(_closedByEnvoy && status.StatusCode == StatusCode.Cancelled))
        {
            RemoteStatus = status;
            RemoteClosed = true;
        }

        _inbox.Writer.TryComplete();
    }

    private StreamEvent Ended()
    {
        var status = RemoteStatus ?? new Status(StatusCode.Unknown, "stream ended");
        return status.StatusCode == StatusCode.OK
            ? new StreamEvent(StreamEventKind.ClosedOk, Status: status)
            : new StreamEvent(StreamEventKind.Failed, Status: status);
    }
}

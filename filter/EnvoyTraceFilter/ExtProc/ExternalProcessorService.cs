using Envoy.Service.ExtProc.V3;
using EnvoyTraceFilter.Configuration;
using Grpc.Core;

namespace EnvoyTraceFilter.ExtProc;

/// <summary>
/// The ext_proc endpoint. Thin on purpose: one <see cref="ProcessingStream"/> per call does the work.
/// Envoy ends every stream with a half-close immediately followed by a reset; that is normal completion
/// here, never an error. Where no further message can come, the call is ended from this side first, so the
/// reset finds a finished stream (no exceptions inside Kestrel).
/// </summary>
internal sealed class ExternalProcessorService(
    FilterSnapshotProvider snapshots,
    StreamServices services) : ExtProcServiceBase
{
    public override async Task Process(IAsyncStreamReader<ProcessingRequest> requestStream,
        IServerStreamWriter<ExtProcAnswer> responseStream, ServerCallContext context)
    {
        var snapshot = snapshots.Current;
        var stream = new ProcessingStream(snapshot, services);
        var metrics = services.Metrics;
        var limiter = services.Limiter;
        var logger = services.Logger;
        var end = "client_closed";
        metrics.StreamOpened();
        try
        {
            if (!await FirstAsync(requestStream, snapshot.FirstMessageTimeout, context.CancellationToken).ConfigureAwait(false))
            {
                return;
            }

            do
            {
                var message = requestStream.Current;
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var response = stream.Answer(message);
                if (message.RequestCase is ProcessingRequest.RequestOneofCase.RequestHeaders or ProcessingRequest.RequestOneofCase.ResponseHeaders)
                {
                    metrics.MessageProcessed(message.RequestCase == ProcessingRequest.RequestOneofCase.RequestHeaders,
                        System.Diagnostics.Stopwatch.GetElapsedTime(started));
                }

                if (message.RequestCase == ProcessingRequest.RequestOneofCase.RequestHeaders && !stream.Finished)
                {
                    Hosting.MaxConnectionAge.OnStreamWaiting(context);
                }

                await responseStream.WriteAsync(response, context.CancellationToken).ConfigureAwait(false);
                if (stream.Finished)
                {
                    end = "finished";
                    return;
                }
            }
            while (await NextAsync(requestStream, context.CancellationToken).ConfigureAwait(false));
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted)
        {
            end = e.StatusCode == StatusCode.DeadlineExceeded ? FirstMessageTimeoutKind : "protocol_violation";
            metrics.ProtocolViolation(e.Message);
            if (limiter.ShouldLog(ErrorKind.ProtocolViolation, snapshot.ErrorLogInterval))
            {
                ExtProcLog.ProtocolViolation(logger, e.StatusCode.ToString(), e.Status.Detail);
            }

            throw;
        }
        catch (Exception e) when (IsClientGone(e, context))
        {
            end = "reset";
        }
        catch (Exception e)
        {
            // Anything else is a transport fault; ending this call is all we can do, and Envoy fails open.
            end = "fault";
            if (limiter.ShouldLog(ErrorKind.StreamFault, snapshot.ErrorLogInterval))
            {
                ExtProcLog.StreamFault(logger, e);
            }
        }
        finally
        {
            stream.End(end);
            metrics.StreamEnded(end);
            metrics.StreamClosed();
        }
    }

    /// <summary>
    /// The first message, waited for at most <paramref name="timeout"/>: Envoy sends request_headers as it opens the
    /// stream, so a stream still silent after that is not Envoy and would otherwise be held forever. The message is
    /// almost always there already (it comes in the frames that open the stream): then no timer is made at all.
    /// </summary>
    private static async Task<bool> FirstAsync(IAsyncStreamReader<ProcessingRequest> requestStream, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var first = NextAsync(requestStream, cancellationToken);
        if (first.IsCompleted)
        {
            return await first.ConfigureAwait(false);
        }

        try
        {
            return await first.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The read stays pending until the call ends under it; observe how it ends, so it is not an unobserved fault.
            _ = first.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            throw new RpcException(new Status(StatusCode.DeadlineExceeded,
                $"No ProcessingRequest within TraceFilter:ExtProc:FirstMessageTimeout ({timeout}) of opening the stream; Envoy sends request_headers at once."),
                FirstMessageTimeoutKind);
        }
    }

    private const string FirstMessageTimeoutKind = "first_message_timeout";

    /// <summary>The next message; bytes that are not a ProcessingRequest end this stream as a protocol violation.</summary>
    private static async Task<bool> NextAsync(IAsyncStreamReader<ProcessingRequest> requestStream, CancellationToken cancellationToken)
    {
        try
        {
            return await requestStream.MoveNext(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Google.Protobuf.InvalidProtocolBufferException || e.InnerException is Google.Protobuf.InvalidProtocolBufferException)
        {
            var parse = e as Google.Protobuf.InvalidProtocolBufferException ?? (Google.Protobuf.InvalidProtocolBufferException)e.InnerException!;
            throw ProtocolViolation.Create("malformed_message", "ProcessingRequest is not a valid protobuf message: " + parse.Message);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Internal && e.Status.Detail == "Incomplete message.")
        {
            // grpc-dotnet's reader: the stream ended inside a length-prefixed message. Without this it fell through
            // to the transport-fault catch and the call ended with OK and no answer.
            throw ProtocolViolation.Create("incomplete_message", "The ext_proc stream ended in the middle of a message.");
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
        {
            // A message over the server's receive limit: keep grpc-dotnet's status and detail, count it by a fixed kind.
            throw new RpcException(e.Status, "message_too_large");
        }
    }

    private static bool IsClientGone(Exception e, ServerCallContext context) =>
        e is IOException or OperationCanceledException
        || e is RpcException { StatusCode: StatusCode.Cancelled }
        || context.CancellationToken.IsCancellationRequested;
}

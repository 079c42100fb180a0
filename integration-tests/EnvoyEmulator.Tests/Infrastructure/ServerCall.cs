using System.Collections.Concurrent;
using Envoy.Service.ExtProc.V3;
using Grpc.Core;

namespace EnvoyEmulator.Tests.Infrastructure;

/// <summary>One ext_proc call as the fake server sees it, with helpers for scripts and assertions.</summary>
public sealed class ServerCall
{
    private readonly IAsyncStreamReader<ProcessingRequest> _requests;
    private readonly IServerStreamWriter<ProcessingResponse> _responses;
    private readonly ConcurrentQueue<ProcessingRequest> _received = new();
    private readonly TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ServerCall(IAsyncStreamReader<ProcessingRequest> requests, IServerStreamWriter<ProcessingResponse> responses,
        ServerCallContext context)
    {
        _requests = requests;
        _responses = responses;
        Host = context.Host;
        Method = context.Method;
        Deadline = context.Deadline;
        CallHeaders = context.RequestHeaders.Select(e => (e.Key, e.Value)).ToList();
        ConnectionId = context.GetHttpContext().Connection.Id;
        context.CancellationToken.Register(() => _cancelled.TrySetResult());
    }

    /// <summary>The call's :authority.</summary>
    public string Host { get; }

    public string Method { get; }

    /// <summary>The HTTP/2 connection the call came on (Kestrel's connection id).</summary>
    public string ConnectionId { get; }

    public DateTime Deadline { get; }

    /// <summary>The call's request metadata as (key, value), captured when the call arrived.</summary>
    public IReadOnlyList<(string Key, string Value)> CallHeaders { get; }

    public IReadOnlyList<ProcessingRequest> Received => _received.ToList();

    /// <summary>Completes when the client half-closed (MoveNext returned false) or reset the stream.</summary>
    public TaskCompletionSource<string> RequestStreamEnd { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the call is cancelled (client RST_STREAM / abort).</summary>
    public Task Cancelled => _cancelled.Task;

    /// <summary>Completes when the script has returned or thrown.</summary>
    public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The next message, or null once the client half-closed or reset the stream.</summary>
    public async Task<ProcessingRequest?> ReadAsync()
    {
        try
        {
            if (await _requests.MoveNext(CancellationToken.None))
            {
                _received.Enqueue(_requests.Current);
                return _requests.Current;
            }

            RequestStreamEnd.TrySetResult("half-close");
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
        {
            RequestStreamEnd.TrySetResult("reset");
        }

        return null;
    }

    public Task WriteAsync(ProcessingResponse response) => _responses.WriteAsync(response);
}

using System.Collections.Concurrent;
using EnvoyEmulator.Http2;

namespace EnvoyEmulator.Tests.Infrastructure;

/// <summary>Records a stream's events; tasks complete on the first headers, end and reset.</summary>
public sealed class RecordingHandler : IHttp2StreamHandler
{
    public ConcurrentQueue<string> Events { get; } = new();

    public List<byte> Data { get; } = [];

    public TaskCompletionSource<IReadOnlyList<KeyValuePair<string, string>>> Headers { get; } =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<IReadOnlyList<KeyValuePair<string, string>>> Trailers { get; } =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<Http2ErrorCode> Reset { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource EndStream { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void OnHeaders(Http2Stream stream, List<KeyValuePair<string, string>> headers, bool trailers, bool endStream)
    {
        Events.Enqueue(trailers ? "trailers" : "headers");
        (trailers ? Trailers : Headers).TrySetResult(headers.ToArray());
        if (endStream)
        {
            EndStream.TrySetResult();
        }
    }

    public void OnData(Http2Stream stream, ReadOnlySpan<byte> data, bool endStream)
    {
        Events.Enqueue("data");
        lock (Data)
        {
            Data.AddRange(data.ToArray());
        }

        if (endStream)
        {
            EndStream.TrySetResult();
        }
    }

    public void OnReset(Http2Stream stream, Http2ErrorCode code)
    {
        Events.Enqueue("reset " + code);
        Reset.TrySetResult(code);
    }
}

using System.Buffers.Binary;
using System.Diagnostics;
using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Exporters.Zipkin;

/// <summary>
/// Creates the Activity of a sampled hop when its request headers arrive. .NET lets only the runtime choose an
/// Activity's span id, so the Activity is started first and its id becomes the hop's span id in the headers:
/// that is how the exported span and the app's parent id are guaranteed to agree. A listener of our own makes
/// the source active; no TracerProvider listens to it, so nothing is exported on Stop.
/// </summary>
public sealed class HopActivitySource : IDisposable
{
    public const string Name = "EnvoyTraceFilter";

    private readonly ActivitySource _source = new(Name);
    private readonly ActivityListener _listener;

    public HopActivitySource()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => ReferenceEquals(source, _source),
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Starts the hop's Activity as a child of (traceId, parent) — a root when parent is absent.</summary>
    public Activity? Start(TraceId traceId, SpanId parent, DateTime startUtc)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, traceId.High);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], traceId.Low);
        var trace = ActivityTraceId.CreateFromBytes(bytes);
        var parentSpan = default(ActivitySpanId);
        if (parent.IsValid)
        {
            BinaryPrimitives.WriteUInt64BigEndian(bytes, parent.Value);
            parentSpan = ActivitySpanId.CreateFromBytes(bytes[..8]);
        }

        var context = new ActivityContext(trace, parentSpan, ActivityTraceFlags.Recorded, isRemote: true);
        var activity = _source.CreateActivity("hop", ActivityKind.Server, context);
        if (activity is null)
        {
            return null;
        }

        // Start() makes the Activity current; the stream loop must not carry it into the next request.
        var previous = Activity.Current;
        activity.SetStartTime(startUtc);
        activity.Start();
        Activity.Current = previous;
        return activity;
    }

    public static SpanId SpanIdOf(Activity activity)
    {
        Span<byte> bytes = stackalloc byte[8];
        activity.SpanId.CopyTo(bytes);
        return new SpanId(BinaryPrimitives.ReadUInt64BigEndian(bytes));
    }

    public void Dispose()
    {
        _listener.Dispose();
        _source.Dispose();
    }
}

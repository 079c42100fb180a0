using System.Buffers.Binary;
using System.Diagnostics;
using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Exporters.Zipkin;

/// <summary>
/// Creates the Activity of a sampled hop for the OpenTelemetry exporters. .NET lets only the runtime choose an
/// Activity's span id, so for Zipkin/OTLP the Activity is started when the request headers arrive and its id
/// becomes the hop's span id: that is how the exported span and the app's parent id agree. A listener of our own
/// makes the source active; no TracerProvider listens to it, so nothing is exported on Stop.
/// </summary>
internal sealed class HopActivities : IDisposable
{
    public const string SourceName = "EnvoyTraceFilter";

    private readonly ActivitySource _source = new(SourceName);
    private readonly ActivityListener _listener;

    public HopActivities()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => ReferenceEquals(source, _source),
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Starts the hop's Activity as a child of (traceId, parent), or as a root when parent is invalid.</summary>
    public Activity? Start(TraceId traceId, SpanId parent)
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

        // Start() adopts Activity.Current as the parent of an Activity without a parent span, and the current one
        // here would be whatever the host created for the gRPC call: a root hop would get a parent that exists in
        // no trace. The hop never inherits an ambient Activity, and the stream never inherits the hop's.
        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            var activity = _source.CreateActivity("hop", ActivityKind.Server, new ActivityContext(trace, parentSpan, ActivityTraceFlags.Recorded, isRemote: true));
            activity?.Start();
            return activity;
        }
        finally
        {
            Activity.Current = previous;
        }
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

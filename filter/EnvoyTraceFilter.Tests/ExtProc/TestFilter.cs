using EnvoyTraceFilter.Configuration;
using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Spans;
using EnvoyTraceFilter.ExtProc;
using EnvoyTraceFilter.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace EnvoyTraceFilter.Tests.ExtProc;

/// <summary>A ProcessingStream over a real compiled snapshot, without any server.</summary>
internal static class TestFilter
{
    public static FilterSnapshot Snapshot(IIdGenerator ids, Action<TraceFilterOptions>? configure = null)
    {
        var options = new TraceFilterOptions();
        configure?.Invoke(options);
        var errors = new List<string>();
        return FilterSnapshotCompiler.TryCompile(options, errors, ids, _ => null) ?? throw new InvalidOperationException(string.Join(" ", errors));
    }

    public static ProcessingStream Stream(FilterSnapshot snapshot, IHopSpanSource? spans = null) =>
        new(snapshot, Services(spans));

    public static StreamServices Services(IHopSpanSource? spans) =>
        new(Metrics(), new ErrorLogLimiter(TimeProvider.System), spans, TimeProvider.System, NullLogger<StreamServices>.Instance);

    public static FilterMetrics Metrics() => new(new TestMeterFactory());
}

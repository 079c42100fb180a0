using System.Diagnostics.Metrics;
using EnvoyTraceFilter.Configuration;
using EnvoyTraceFilter.Core.Propagation;
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
        return FilterSnapshotCompiler.TryCompile(options, errors, ids) ?? throw new InvalidOperationException(string.Join(" ", errors));
    }

    public static ProcessingStream Stream(FilterSnapshot snapshot) =>
        new(snapshot, Metrics(), NullLogger.Instance, new ErrorLogLimiter(TimeProvider.System));

    public static FilterMetrics Metrics() => new(new TestMeterFactory());

    private sealed class TestMeterFactory : IMeterFactory
    {
        public Meter Create(MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}

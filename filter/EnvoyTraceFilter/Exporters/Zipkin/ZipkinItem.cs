using System.Diagnostics;
using EnvoyTraceFilter.Core.Spans;

namespace EnvoyTraceFilter.Exporters.Zipkin;

/// <summary>A finished span on its way to the OpenTelemetry exporter, with the Activity that owns its id.</summary>
internal readonly record struct ZipkinItem(SpanRecord Record, Activity Activity);

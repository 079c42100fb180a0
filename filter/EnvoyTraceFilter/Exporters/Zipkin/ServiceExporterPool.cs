using System.Collections.Concurrent;
using System.Diagnostics;
using EnvoyTraceFilter.Core.Naming;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace EnvoyTraceFilter.Exporters.Zipkin;

/// <summary>
/// One exporter per service name. The Zipkin (and OTLP) exporter takes localEndpoint.serviceName from its
/// provider's resource, so each name gets a small TracerProvider whose only job is to carry that resource;
/// spans never flow through it (the exporter is called directly by <see cref="ZipkinSpanExporter"/>). The pool
/// has no size of its own: the naming guard caps host-derived names per process, whatever reloads, and the
/// other names are the configured ones.
/// </summary>
internal sealed class ServiceExporterPool(ZipkinProtocol protocol, ZipkinOptions options, Action<string>? countError = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    // One connection pool for every service's exporter: they all POST to the same collector.
    private readonly HttpMessageHandler _handler = TraceExporterFactory.Handler(countError);

    public int Count => _entries.Count;

    /// <summary>The exporter for <paramref name="serviceName"/>, created on first use.</summary>
    public BaseExporter<Activity> Get(string serviceName)
    {
        if (_entries.TryGetValue(serviceName, out var entry))
        {
            return entry.Exporter;
        }

        lock (_gate)
        {
            if (_entries.TryGetValue(serviceName, out entry))
            {
                return entry.Exporter;
            }

            var exporter = TraceExporterFactory.Create(protocol, options, _handler);
            var provider = Sdk.CreateTracerProviderBuilder()
                // Zipkin lower-cases service names on ingest; send them that way so the UI and the API agree.
                .ConfigureResource(r => r.Clear().AddService(ServiceNames.ZipkinName(serviceName)))
                .AddProcessor(new SimpleActivityExportProcessor(exporter))
                .Build();
            _entries[serviceName] = new Entry(provider, exporter);
            return exporter;
        }
    }

    public void Dispose()
    {
        foreach (var entry in _entries.Values)
        {
            entry.Provider.Dispose();
        }

        _entries.Clear();
        _handler.Dispose();
    }

    private sealed record Entry(TracerProvider Provider, BaseExporter<Activity> Exporter);
}

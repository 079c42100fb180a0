using System.Net;
using System.Text.Json;

namespace EnvoyTraceFilter.ContainerTests;

/// <summary>The Zipkin container's v2 query API.</summary>
public sealed class ZipkinApi(Uri baseAddress) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseAddress };

    /// <summary>Polls /api/v2/trace/{traceId} until the span is stored; returns it as the API serves it.</summary>
    public Task<JsonElement> SpanAsync(string traceId, string spanId) => Poll.UntilAsync<JsonElement>(async () =>
    {
        using var response = await _http.GetAsync($"api/v2/trace/{traceId}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        var spans = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray();
        return spans.Where(s => s.GetProperty("id").GetString() == spanId).Select(s => (JsonElement?)s.Clone()).FirstOrDefault();
    }, $"Zipkin span {spanId} of trace {traceId}");

    /// <summary>Every stored span as (traceId, id), one entry per stored copy.</summary>
    public async Task<List<(string TraceId, string Id)>> SpanIdsAsync()
    {
        var traces = JsonDocument.Parse(await _http.GetStringAsync("api/v2/traces?limit=100000")).RootElement;
        return traces.EnumerateArray().SelectMany(t => t.EnumerateArray())
            .Select(s => (s.GetProperty("traceId").GetString()!, s.GetProperty("id").GetString()!)).ToList();
    }

    public void Dispose() => _http.Dispose();
}

using System.Net.Http.Json;
using System.Text.Json;
using EnvoyTraceFilter.Scenarios;

namespace EnvoyTraceFilter.ContainerTests;

/// <summary>The scenario app's control port (integration-tests/EnvoyTraceFilter.ScenarioApp).</summary>
public sealed class ScenarioAppClient(Uri baseAddress) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseAddress };

    /// <summary>Sets the app's answer and forgets the requests and segments received so far.</summary>
    public async Task ProgramAsync(ScenarioResponse response)
    {
        var body = new { status = response.Status, headers = response.Headers.Select(h => new[] { h.Name, h.Value }) };
        using var answer = await _http.PutAsJsonAsync("scenario", body);
        answer.EnsureSuccessStatusCode();
    }

    /// <summary>The requests the app received since the last <see cref="ProgramAsync"/>, in order.</summary>
    public async Task<List<ReceivedRequest>> RequestsAsync()
    {
        var requests = JsonDocument.Parse(await _http.GetStringAsync("requests")).RootElement;
        return requests.EnumerateArray().Select(r => new ReceivedRequest(
            r.GetProperty("method").GetString()!,
            r.GetProperty("target").GetString()!,
            new ReceivedHeaders(r.GetProperty("headers").EnumerateArray().Select(p => (p[0].GetString()!, p[1].GetString()!))))).ToList();
    }

    /// <summary>The X-Ray segment documents the app's daemon socket received since the last <see cref="ProgramAsync"/>.</summary>
    public async Task<List<JsonElement>> SegmentsAsync()
    {
        var segments = JsonDocument.Parse(await _http.GetStringAsync("segments")).RootElement;
        return segments.EnumerateArray().Select(s => JsonDocument.Parse(s.GetString()!).RootElement.Clone()).ToList();
    }

    /// <summary>Polls until the segment with this id arrived.</summary>
    public Task<JsonElement> SegmentAsync(string id) => Poll.UntilAsync<JsonElement>(async () =>
        (await SegmentsAsync()).Where(s => s.GetProperty("id").GetString() == id).Select(s => (JsonElement?)s).FirstOrDefault(),
        $"X-Ray segment {id}");

    public void Dispose() => _http.Dispose();
}

/// <summary>One request as the app received it.</summary>
public sealed record ReceivedRequest(string Method, string Target, ReceivedHeaders Headers);

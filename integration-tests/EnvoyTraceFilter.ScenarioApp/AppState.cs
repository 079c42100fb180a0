using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace EnvoyTraceFilter.ScenarioApp;

/// <summary>The programmed response and what was received since the last PUT /scenario.</summary>
internal sealed class AppState
{
    private readonly Lock _lock = new();
    private readonly List<(string Method, string Target, List<(string Name, string Value)> Headers)> _requests = [];
    private readonly List<string> _segments = [];
    private int _status = StatusCodes.Status200OK;
    private List<(string Name, string Value)> _responseHeaders = [];

    public async Task AnswerAsync(HttpContext context)
    {
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path + request.QueryString;
        var headers = request.Headers.SelectMany(h => h.Value.Select(v => (h.Key.ToLowerInvariant(), v ?? ""))).ToList();
        int status;
        List<(string Name, string Value)> responseHeaders;
        lock (_lock)
        {
            _requests.Add((request.Method, target, headers));
            status = _status;
            responseHeaders = _responseHeaders;
        }

        context.Response.StatusCode = status;
        foreach (var (name, value) in responseHeaders)
        {
            context.Response.Headers.Append(name, value);
        }

        if (context.Response.ContentLength is { } length)
        {
            // The scenario fixes the body length; the content does not matter.
            await context.Response.Body.WriteAsync(Encoding.ASCII.GetBytes(new string('.', (int)length)), context.RequestAborted);
            return;
        }

        var echo = new StringBuilder().Append(request.Method).Append(' ').Append(target).Append(' ').Append(request.Protocol).Append('\n');
        foreach (var (name, value) in headers.Order())
        {
            echo.Append(name).Append(": ").Append(value).Append('\n');
        }

        await context.Response.WriteAsync(echo.ToString(), context.RequestAborted);
    }

    public async Task ControlAsync(HttpContext context)
    {
        switch (context.Request.Method, context.Request.Path.Value)
        {
            case ("PUT", "/scenario"):
                using (var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))
                {
                    Program(document.RootElement);
                }

                context.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            case ("GET", "/requests"):
                await WriteJsonAsync(context, json =>
                {
                    lock (_lock)
                    {
                        json.WriteStartArray();
                        foreach (var (method, target, headers) in _requests)
                        {
                            json.WriteStartObject();
                            json.WriteString("method", method);
                            json.WriteString("target", target);
                            json.WriteStartArray("headers");
                            foreach (var (name, value) in headers)
                            {
                                json.WriteStartArray();
                                json.WriteStringValue(name);
                                json.WriteStringValue(value);
                                json.WriteEndArray();
                            }

                            json.WriteEndArray();
                            json.WriteEndObject();
                        }

                        json.WriteEndArray();
                    }
                });
                break;
            case ("GET", "/segments"):
                await WriteJsonAsync(context, json =>
                {
                    lock (_lock)
                    {
                        json.WriteStartArray();
                        foreach (var segment in _segments)
                        {
                            json.WriteStringValue(segment);
                        }

                        json.WriteEndArray();
                    }
                });
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                break;
        }
    }

    /// <summary>An X-Ray datagram: a JSON header line, a newline, the segment document. Keeps the document.</summary>
    public void AddSegment(byte[] datagram)
    {
        var text = Encoding.UTF8.GetString(datagram);
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        lock (_lock)
        {
            _segments.Add(newline < 0 ? text : text[(newline + 1)..]);
        }
    }

    /// <summary>{"status": 503, "headers": [["name", "value"], ...]}.</summary>
    private void Program(JsonElement scenario)
    {
        var headers = scenario.TryGetProperty("headers", out var list)
            ? list.EnumerateArray().Select(pair => (pair[0].GetString()!, pair[1].GetString()!)).ToList()
            : [];
        lock (_lock)
        {
            _status = scenario.GetProperty("status").GetInt32();
            _responseHeaders = headers;
            _requests.Clear();
            _segments.Clear();
        }
    }

    private static async Task WriteJsonAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        context.Response.ContentType = "application/json";
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        await context.Response.Body.WriteAsync(buffer.ToArray(), context.RequestAborted);
    }
}

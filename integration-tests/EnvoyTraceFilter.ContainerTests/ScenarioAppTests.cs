using System.Net;
using System.Net.Sockets;
using System.Text;
using EnvoyTraceFilter.ScenarioApp;
using EnvoyTraceFilter.Scenarios;

namespace EnvoyTraceFilter.ContainerTests;

/// <summary>
/// The scenario app and its client without containers (127.0.0.1, free ports): the same code the container tests
/// build into an image and drive through Envoy.
/// </summary>
public sealed class ScenarioAppTests : IAsyncLifetime
{
    private ScenarioAppServer _server = null!;
    private ScenarioAppClient _control = null!;
    private HttpClient _app = null!;

    public async Task InitializeAsync()
    {
        _server = await ScenarioAppServer.StartAsync(IPAddress.Loopback, 0, 0, 0);
        _control = new ScenarioAppClient(new Uri($"http://127.0.0.1:{_server.BoundControlPort}/"));
        _app = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{_server.BoundAppPort}/") };
    }

    [Fact]
    public async Task ScenarioRequest_ArrivesAsWritten_AndIsRecorded()
    {
        var scenario = ScenarioFiles.Load("google-cloud-trace-context.json");
        await _control.ProgramAsync(scenario.UpstreamResponse);

        using var response = await _app.SendAsync(ScenarioHttp.Request(scenario.Request));

        var received = Assert.Single(await _control.RequestsAsync());
        Assert.Equal(("GET", "/orders/42?full=1"), (received.Method, received.Target));
        Assert.Equal("api.example.com", received.Headers.Get("host"));
        Assert.All(scenario.Request.Headers, h => Assert.Equal(h.Value, received.Headers.Get(h.Name)));
    }

    [Fact]
    public async Task ProgrammedContentLength_FixesTheBody()
    {
        await _control.ProgramAsync(new ScenarioResponse(200, [("content-length", "12"), ("x-app", "yes")]));

        using var response = await _app.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("12", "yes"), (ReceivedHeaders.Of(response).Get("content-length"), ReceivedHeaders.Of(response).Get("x-app")));
        Assert.Equal(12, (await response.Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task WithoutContentLength_AnswersTheStatus_WithTheEchoChunked()
    {
        await _control.ProgramAsync(new ScenarioResponse(503, []));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders/42?full=1");
        request.Headers.TryAddWithoutValidation("x-b3-sampled", "1");

        using var response = await _app.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Null(ReceivedHeaders.Of(response).Get("content-length")); // as the scenario says: the filter sees no length
        var echo = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("GET /orders/42?full=1 HTTP/1.1\n", echo, StringComparison.Ordinal);
        Assert.Contains("\nx-b3-sampled: 1\n", echo, StringComparison.Ordinal);
    }

    [Fact]
    public async Task XRayDatagrams_AreKeptAsDocuments_AndProgrammingForgetsThem()
    {
        await _control.ProgramAsync(new ScenarioResponse(200, []));
        using var udp = new UdpClient();
        var datagram = Encoding.UTF8.GetBytes("{\"format\":\"json\",\"version\":1}\n{\"id\":\"99a78cc55955a63f\",\"name\":\"api.example.com\"}");
        await udp.SendAsync(datagram, new IPEndPoint(IPAddress.Loopback, _server.BoundXRayPort));

        var segment = await _control.SegmentAsync("99a78cc55955a63f");

        Assert.Equal("api.example.com", segment.GetProperty("name").GetString());
        await _control.ProgramAsync(new ScenarioResponse(200, []));
        Assert.Empty(await _control.SegmentsAsync());
        Assert.Empty(await _control.RequestsAsync());
    }

    public async Task DisposeAsync()
    {
        _app.Dispose();
        _control.Dispose();
        await _server.DisposeAsync();
    }
}

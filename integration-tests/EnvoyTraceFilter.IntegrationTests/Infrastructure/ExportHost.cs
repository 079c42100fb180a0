namespace EnvoyTraceFilter.IntegrationTests.Infrastructure;

/// <summary>A filter host exporting to a local Zipkin listener and a local X-Ray UDP socket.</summary>
public sealed class ExportHost : IAsyncDisposable
{
    private ExportHost(FilterHost filter, ZipkinCollector zipkin, XRayDaemon xray)
    {
        Filter = filter;
        Zipkin = zipkin;
        XRay = xray;
    }

    public FilterHost Filter { get; }

    public ZipkinCollector Zipkin { get; }

    public XRayDaemon XRay { get; }

    public static async Task<ExportHost> StartAsync(Dictionary<string, string?>? extra = null, ZipkinFault zipkinFault = ZipkinFault.None, string? zipkinEndpoint = null)
    {
        var zipkin = await ZipkinCollector.StartAsync(zipkinFault);
        var xray = new XRayDaemon();
        var settings = new Dictionary<string, string?>
        {
            ["TraceFilter:Naming:Rules:0:Pattern"] = "*.example.com",
            ["TraceFilter:Naming:FallbackName"] = "My application",
            ["TraceFilter:ClientIdentity:TrustedHops"] = "1",
            ["TraceFilter:Sampling:Strategy"] = "Always",
            ["TraceFilter:Zipkin:Enabled"] = "true",
            ["TraceFilter:Zipkin:Endpoint"] = zipkinEndpoint ?? zipkin.Endpoint,
            ["TraceFilter:XRay:Enabled"] = "true",
            ["TraceFilter:XRay:DaemonAddress"] = xray.Address,
            ["TraceFilter:XRay:TraceIdPolicy"] = "Passthrough",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        var filter = await FilterHost.StartAsync(overSocket: false, settings);
        return new ExportHost(filter, zipkin, xray);
    }

    public async ValueTask DisposeAsync()
    {
        await Zipkin.DisposeAsync();
        await Filter.DisposeAsync();
        XRay.Dispose();
    }
}

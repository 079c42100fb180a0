using System.Net;
using System.Net.Http.Headers;
using System.Text;
using EnvoyEmulator;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace EnvoyTraceFilter.Demo;

/// <summary>
/// Plays Envoy for plain HTTP clients: each request received is handed to the project's Envoy emulator, which
/// runs the connection manager's header handling and the ext_proc exchange with the filter exactly as in the
/// tests; its upstream callback forwards the mutated request to the app, and the emulated response (after the
/// response phase) goes back to the client. Bodies are buffered: ext_proc runs headers-only here.
/// </summary>
public sealed class EnvoyFront : IAsyncDisposable
{
    // Connection-level headers a proxy does not pass on (RFC 9110 §7.6.1); lengths are recomputed from the buffered body.
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "content-length",
    };

    private readonly WebApplication _web;
    private readonly EnvoyExtProcEmulator _emulator;
    private readonly HttpClient _app;
    private readonly Uri _appBase;
    private readonly Action<string> _print;

    private EnvoyFront(WebApplication web, EnvoyExtProcEmulator emulator, Uri appBase, Action<string> print)
    {
        (_web, _emulator, _appBase, _print) = (web, emulator, appBase, print);
        _app = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        });
    }

    public int Port { get; private set; }

    public static async Task<EnvoyFront> StartAsync(int port, EnvoyExtProcEmulator emulator, int appPort, Action<string> print)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        var web = builder.Build();
        var front = new EnvoyFront(web, emulator, new Uri($"http://127.0.0.1:{appPort}"), print);
        web.Run(front.HandleAsync);
        await web.StartAsync().ConfigureAwait(false);
        front.Port = new Uri(web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
        return front;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        var body = buffer.ToArray();
        var headers = new HeaderList();
        foreach (var (name, values) in request.Headers)
        {
            if (!name.Equals("host", StringComparison.OrdinalIgnoreCase) && !HopByHop.Contains(name))
            {
                foreach (var value in values)
                {
                    headers.Add(name.ToLowerInvariant(), value ?? "");
                }
            }
        }

        if (body.Length > 0)
        {
            headers.Add("content-length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path + request.QueryString;
        var downstream = new DownstreamRequest
        {
            Method = request.Method,
            Path = target,
            Authority = request.Host.HasValue ? request.Host.Value : null,
            Headers = headers,
            PeerAddress = new IPEndPoint(context.Connection.RemoteIpAddress ?? IPAddress.Loopback, context.Connection.RemotePort),
            HasBody = body.Length > 0,
            Protocol = request.Protocol,
        };

        byte[] appBody = [];
        var exchange = await _emulator.SendAsync(downstream, async (upstream, cancellationToken) =>
        {
            try
            {
                (var response, appBody) = await ForwardAsync(upstream, body, cancellationToken).ConfigureAwait(false);
                return response;
            }
            catch (HttpRequestException e)
            {
                _print($"front   | app unreachable: {e.Message}");
                return UpstreamResponse.Reset("connection_failure");
            }
        }, context.RequestAborted).ConfigureAwait(false);

        var answer = exchange.Downstream;
        _print($"front   | {request.Method} {target} from {downstream.PeerAddress} -> {answer.Status} {answer.Details}, ext_proc {exchange.Outcome}");
        var responseBody = answer.Details == "via_upstream" ? appBody : Encoding.UTF8.GetBytes(answer.Body);
        context.Response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers)
        {
            if (!name.StartsWith(':') && !HopByHop.Contains(name))
            {
                context.Response.Headers.Append(name, value);
            }
        }

        if (answer.ResetAfterHeaders)
        {
            context.Abort();
            return;
        }

        if (!HttpMethods.IsHead(request.Method))
        {
            context.Response.ContentLength = responseBody.Length;
            await context.Response.Body.WriteAsync(responseBody, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private async Task<(UpstreamResponse Response, byte[] Body)> ForwardAsync(UpstreamRequest upstream, byte[] body, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(new HttpMethod(upstream.Method), new Uri(_appBase, upstream.Path));
        if (body.Length > 0)
        {
            message.Content = new ByteArrayContent(body);
        }

        foreach (var (name, value) in upstream.Headers)
        {
            if (name.Equals("host", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.Host = value;
            }
            else if (HopByHop.Contains(name))
            {
                continue;
            }
            else if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                // Content headers (content-type, ...) belong to the content.
                message.Content ??= new ByteArrayContent([]);
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await _app.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var headers = new HeaderList();
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(name))
            {
                foreach (var value in values)
                {
                    headers.Add(name.ToLowerInvariant(), value);
                }
            }
        }

        // The body itself stays here (bytes, not text); the emulator only needs its length to set end_of_stream.
        headers.Add("content-length", bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return (new UpstreamResponse { Status = (int)response.StatusCode, Headers = headers }, bytes);
    }

    public async ValueTask DisposeAsync()
    {
        await _web.StopAsync().ConfigureAwait(false);
        await _web.DisposeAsync().ConfigureAwait(false);
        _app.Dispose();
    }
}

using System.Net;
using Envoy.Config.Core.V3;
using Envoy.Service.ExtProc.V3;
using EnvoyEmulator.Http2;
using Google.Protobuf;

namespace EnvoyTraceFilter.IntegrationTests.Infrastructure;

/// <summary>ext_proc calls written frame by frame on the raw HTTP/2 transport, for tests that break the protocol.</summary>
internal static class RawExtProc
{
    public const string Path = "/envoy.service.ext_proc.v3.ExternalProcessor/Process";

    /// <summary>Envoy's gRPC request headers for the ext_proc call (built once, stateless HPACK).</summary>
    public static readonly byte[] HeaderBlock = HpackEncoder.GrpcRequest("trace_filter", Path, [new("x-envoy-internal", "true")]);

    public static IPEndPoint EndPoint(FilterHost host) => new(IPAddress.Loopback, new Uri(host.Address!).Port);

    public static Task<Http2Connection> ConnectAsync(FilterHost host) => Http2Connection.ConnectAsync(EndPoint(host)).DefaultTimeout();

    /// <summary>request_headers as Envoy sends them: pseudo-headers first, values in raw_value.</summary>
    public static ProcessingRequest RequestHeaders(string authority = "api.example.com", params (string Name, string Value)[] headers)
    {
        var map = new HeaderMap();
        map.Headers.Add(Header(":method", "GET"));
        map.Headers.Add(Header(":scheme", "http"));
        map.Headers.Add(Header(":authority", authority));
        map.Headers.Add(Header(":path", "/orders/42"));
        foreach (var (name, value) in headers)
        {
            map.Headers.Add(Header(name, value));
        }

        return new ProcessingRequest { RequestHeaders = new HttpHeaders { Headers = map } };
    }

    public static ProcessingRequest ResponseHeaders(int status = 200) => new()
    {
        ResponseHeaders = new HttpHeaders { Headers = new HeaderMap { Headers = { Header(":status", status.ToString(System.Globalization.CultureInfo.InvariantCulture)) } } },
    };

    public static HeaderValue Header(string name, string value) => new() { Key = name, RawValue = ByteString.CopyFromUtf8(value) };

    /// <summary>Starts a call with <paramref name="first"/> (raw message bytes, framed here) in the same write as HEADERS.</summary>
    public static GrpcStreamCall Start(Http2Connection connection, byte[] first)
    {
        var call = new GrpcStreamCall();
        Assert.True(call.TryStart(connection, HeaderBlock, first, hasFirstMessage: true), "the connection refused a new stream");
        return call;
    }

    /// <summary>Starts a call with HEADERS only: no message yet.</summary>
    public static GrpcStreamCall StartSilent(Http2Connection connection)
    {
        var call = new GrpcStreamCall();
        Assert.True(call.TryStart(connection, HeaderBlock), "the connection refused a new stream");
        return call;
    }

    public static GrpcStreamCall Start(Http2Connection connection, IMessage first) => Start(connection, first.ToByteArray());

    /// <summary>The next event, which must be an answer.</summary>
    public static async Task<ProcessingResponse> AnswerAsync(GrpcStreamCall call)
    {
        var next = await call.Events.ReadAsync().AsTask().DefaultTimeout();
        Assert.True(next.Message is not null, $"expected an answer, got the end {next.End}");
        return ProcessingResponse.Parser.ParseFrom(next.Message);
    }

    /// <summary>The end of the call (trailers, reset or connection lost); answers before it are skipped and returned.</summary>
    public static async Task<(GrpcCallEnd End, List<ProcessingResponse> Answers)> EndAsync(GrpcStreamCall call)
    {
        var answers = new List<ProcessingResponse>();
        while (true)
        {
            var next = await call.Events.ReadAsync().AsTask().DefaultTimeout();
            if (next.End is { } end)
            {
                return (end, answers);
            }

            answers.Add(ProcessingResponse.Parser.ParseFrom(next.Message));
        }
    }
}

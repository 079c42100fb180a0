using System.Buffers.Binary;
using System.Globalization;
using Envoy.Config.Core.V3;
using Envoy.Extensions.Filters.Http.ExtProc.V3;
using Envoy.Service.ExtProc.V3;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace EnvoyTraceFilter.Load;

/// <summary>
/// The two ext_proc messages of one simulated HTTP request, pre-serialised and gRPC-framed (5-byte prefix) so the
/// client spends no CPU on protobuf under load. 256 variants (request ids, trace ids, client addresses) rotate.
/// Shaped as Envoy ≥ 1.34 sends them with this repository's envoy.yaml: raw_value only, empty metadata_context,
/// protocol_config on the first message, the source.address and request.time attributes, and only the headers
/// its forward_rules let through.
/// </summary>
internal sealed partial class RequestProfile
{
    public const int Variants = 256;

    private RequestProfile(string name, byte[][] requestHeaders, byte[][] responseHeaders)
    {
        Name = name;
        RequestHeaders = requestHeaders;
        ResponseHeaders = responseHeaders;
    }

    public string Name { get; }

    /// <summary>gRPC-framed request_headers messages.</summary>
    public byte[][] RequestHeaders { get; }

    /// <summary>gRPC-framed response_headers messages.</summary>
    public byte[][] ResponseHeaders { get; }

    /// <summary>
    /// "mission": an edge request with X-Cloud-Trace-Context (decimal span id, ;o=1) and X-Forwarded-For;
    /// "traceparent": the same request carrying a W3C traceparent instead.
    /// </summary>
    public static RequestProfile Build(string name, DateTimeOffset requestTime)
    {
        if (name == "mixed")
        {
            return BuildMixed(requestTime);
        }

        if (name is not ("mission" or "traceparent"))
        {
            throw new ArgumentException($"unknown profile '{name}' (mission, traceparent)");
        }

        var random = new Random(20261202); // same messages in every run
        var requests = new byte[Variants][];
        var responses = new byte[Variants][];
        Span<byte> traceBytes = stackalloc byte[16];
        for (int i = 0; i < Variants; i++)
        {
            random.NextBytes(traceBytes);
            var traceId = Convert.ToHexStringLower(traceBytes);
            var clientIp = $"203.0.113.{(i % 250) + 1}";
            var headers = new HeaderMap();
            Add(headers, ":authority", "api.example.com");
            Add(headers, ":path", $"/v1/orders/{1000 + i}?expand=items");
            Add(headers, ":method", "GET");
            Add(headers, ":scheme", "https");
            Add(headers, "user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36");
            // Envoy with use_remote_address appends the peer (a load balancer) to the client's list.
            Add(headers, "x-forwarded-for", $"{clientIp},10.0.0.7");
            if (name == "mission")
            {
                ulong spanId = (ulong)random.NextInt64(1, long.MaxValue);
                Add(headers, "x-cloud-trace-context", string.Create(CultureInfo.InvariantCulture, $"{traceId}/{spanId};o=1"));
            }
            else
            {
                Add(headers, "traceparent", $"00-{traceId}-{traceId[..16]}-01");
            }

            requests[i] = RequestHeadersMessage(headers, i, requestTime, endOfStream: true);
            responses[i] = ResponseHeadersMessage("200");
        }

        return new RequestProfile(name, requests, responses);
    }

    /// <summary>request_headers as Envoy sends them (envoy.yaml's attributes, no body modes), gRPC-framed.</summary>
    private static byte[] RequestHeadersMessage(HeaderMap headers, int variant, DateTimeOffset requestTime, bool endOfStream)
    {
        var attributes = new Struct();
        attributes.Fields["source.address"] = Value.ForString($"10.0.0.7:{40000 + variant}");
        attributes.Fields["request.time"] = Value.ForString(requestTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture));
        var message = new ProcessingRequest
        {
            RequestHeaders = new HttpHeaders { Headers = headers, EndOfStream = endOfStream },
            MetadataContext = new Metadata(),
            ProtocolConfig = new ProtocolConfiguration
            {
                RequestBodyMode = ProcessingMode.Types.BodySendMode.None,
                ResponseBodyMode = ProcessingMode.Types.BodySendMode.None,
            },
        };
        message.Attributes["envoy.filters.http.ext_proc"] = attributes;
        return Frame(message);
    }

    /// <summary>response_headers with the given status and a content-length, gRPC-framed.</summary>
    private static byte[] ResponseHeadersMessage(string status)
    {
        var headers = new HeaderMap();
        Add(headers, ":status", status);
        Add(headers, "content-length", "1234");
        return Frame(new ProcessingRequest
        {
            ResponseHeaders = new HttpHeaders { Headers = headers, EndOfStream = false },
            MetadataContext = new Metadata(),
        });
    }

    private static void Add(HeaderMap map, string key, string value) =>
        map.Headers.Add(new HeaderValue { Key = key, RawValue = ByteString.CopyFromUtf8(value) });

    private static byte[] Frame(IMessage message)
    {
        int size = message.CalculateSize();
        var framed = new byte[5 + size];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)size);
        message.WriteTo(framed.AsSpan(5));
        return framed;
    }
}

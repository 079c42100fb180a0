using Envoy.Config.Core.V3;
using Envoy.Service.ExtProc.V3;
using Google.Protobuf;

namespace EnvoyTraceFilter.Tests.ExtProc;

/// <summary>Builds ProcessingRequests the way Envoy does: lower-case names, values in raw_value only.</summary>
internal static class Messages
{
    public static ProcessingRequest RequestHeaders(params (string Name, string Value)[] headers) =>
        new() { RequestHeaders = new HttpHeaders { Headers = Map(headers), EndOfStream = true } };

    public static ProcessingRequest ResponseHeaders(params (string Name, string Value)[] headers) =>
        new() { ResponseHeaders = new HttpHeaders { Headers = Map(headers), EndOfStream = true } };

    public static HeaderMap Map(params (string Name, string Value)[] headers)
    {
        var map = new HeaderMap();
        foreach (var (name, value) in headers)
        {
            map.Headers.Add(new HeaderValue { Key = name, RawValue = ByteString.CopyFromUtf8(value) });
        }

        return map;
    }

    public static HeaderValueOption Set(string name, string value) =>
        new() { Header = new HeaderValue { Key = name, RawValue = ByteString.CopyFromUtf8(value) } };
}

using Envoy.Config.Core.V3;
using Envoy.Service.ExtProc.V3;
using Google.Protobuf;

namespace EnvoyEmulator.Tests.Infrastructure;

/// <summary>Builders for ProcessingResponse messages.</summary>
public static class Responses
{
    public static ProcessingResponse Continue(ProcessingRequest request) =>
        request.RequestCase == ProcessingRequest.RequestOneofCase.ResponseHeaders
            ? new ProcessingResponse { ResponseHeaders = new HeadersResponse() }
            : new ProcessingResponse { RequestHeaders = new HeadersResponse() };

    public static ProcessingResponse RequestHeaders(HeaderMutation mutation, bool clearRouteCache = false) => new()
    {
        RequestHeaders = new HeadersResponse
        {
            Response = new CommonResponse { HeaderMutation = mutation, ClearRouteCache = clearRouteCache },
        },
    };

    public static ProcessingResponse ResponseHeaders(HeaderMutation mutation) => new()
    {
        ResponseHeaders = new HeadersResponse { Response = new CommonResponse { HeaderMutation = mutation } },
    };

    /// <summary>A mutation that sets headers via raw_value with `append` unset.</summary>
    public static HeaderMutation Set(params (string Key, string Value)[] headers)
    {
        var mutation = new HeaderMutation();
        foreach (var (key, value) in headers)
        {
            mutation.SetHeaders.Add(Option(key, value));
        }

        return mutation;
    }

    public static HeaderValueOption Option(string key, string rawValue, bool? append = null) => new()
    {
        Header = new HeaderValue { Key = key, RawValue = ByteString.CopyFromUtf8(rawValue) },
        Append = append,
    };
}

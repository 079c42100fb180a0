using Envoy.Config.Core.V3;
using Envoy.Extensions.Filters.Http.ExtProc.V3;
using Envoy.Service.ExtProc.V3;
using Google.Protobuf;

namespace EnvoyEmulator;

/// <summary>Conversions between the emulator's header lists and the ext_proc protos.</summary>
internal static class ProtoHeaders
{
    /// <summary>Every value goes in raw_value, value stays empty (1.27+ default, only path from 1.32).</summary>
    public static HttpHeaders ToHttpHeaders(HeaderList headers, bool endOfStream)
    {
        var map = new HeaderMap();
        foreach (var (name, value) in headers)
        {
            map.Headers.Add(new HeaderValue { Key = name, RawValue = ByteString.CopyFromUtf8(value) });
        }

        return new HttpHeaders { Headers = map, EndOfStream = endOfStream };
    }

    /// <summary>Header modes: DEFAULT means SEND.</summary>
    public static bool Sends(ProcessingMode.Types.HeaderSendMode mode) =>
        mode != ProcessingMode.Types.HeaderSendMode.Skip;

    /// <summary>
    /// Applies a server's mode_override (doc §1b "mode_override"): 1.28–1.33 take it literally; from 1.34 a
    /// DEFAULT header/trailer mode keeps the current value. Body modes are always literal.
    /// </summary>
    public static ProcessingMode Override(ProcessingMode current, ProcessingMode requested, EnvoyVersion version)
    {
        if (!version.AtLeast(34))
        {
            return new ProcessingMode(requested);
        }

        const ProcessingMode.Types.HeaderSendMode unset = ProcessingMode.Types.HeaderSendMode.Default;
        return new ProcessingMode
        {
            RequestHeaderMode = requested.RequestHeaderMode == unset ? current.RequestHeaderMode : requested.RequestHeaderMode,
            ResponseHeaderMode = requested.ResponseHeaderMode == unset ? current.ResponseHeaderMode : requested.ResponseHeaderMode,
            RequestTrailerMode = requested.RequestTrailerMode == unset ? current.RequestTrailerMode : requested.RequestTrailerMode,
            ResponseTrailerMode = requested.ResponseTrailerMode == unset ? current.ResponseTrailerMode : requested.ResponseTrailerMode,
            RequestBodyMode = requested.RequestBodyMode,
            ResponseBodyMode = requested.ResponseBodyMode,
        };
    }
}

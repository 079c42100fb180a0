using System.Globalization;
using Envoy.Config.Core.V3;

namespace EnvoyTraceFilter.Load;

internal sealed partial class RequestProfile
{
    /// <summary>The incoming trace formats of the "mixed" profile, in rotation.</summary>
    public static readonly string[] MixedFormats = ["cloud-trace", "traceparent", "x-ray", "b3", "none"];

    /// <summary>Distinct Host values of the "mixed" profile: more than Naming:MaxDistinctNames (100), so the cap is exercised.</summary>
    public const int MixedHosts = 150;

    /// <summary>
    /// "mixed" (the soak's traffic): request i carries trace format i % 5 (Cloud Trace, traceparent, X-Ray, B3 multi or
    /// single, none), asks for sampled or unsampled by (i / 5) % 2, has one of 150 hosts and an X-Forwarded-For
    /// of one to three entries. Fresh ids per variant; 256 variants rotate.
    /// </summary>
    public static RequestProfile BuildMixed(DateTimeOffset requestTime)
    {
        var random = new Random(20261203);
        var requests = new byte[Variants][];
        var responses = new byte[Variants][];
        Span<byte> traceBytes = stackalloc byte[16];
        Span<byte> spanBytes = stackalloc byte[8];
        var epoch = requestTime.ToUnixTimeSeconds().ToString("x8", CultureInfo.InvariantCulture);
        for (int i = 0; i < Variants; i++)
        {
            random.NextBytes(traceBytes);
            random.NextBytes(spanBytes);
            spanBytes[0] |= 1; // never all zero
            var traceId = Convert.ToHexStringLower(traceBytes);
            var spanId = Convert.ToHexStringLower(spanBytes);
            var sampled = (i / MixedFormats.Length) % 2 == 0;
            var headers = new HeaderMap();
            Add(headers, ":authority", $"svc-{i % MixedHosts}.example.com");
            Add(headers, ":path", $"/v1/items/{i}");
            Add(headers, ":method", i % 7 == 0 ? "POST" : "GET");
            Add(headers, ":scheme", "https");
            Add(headers, "user-agent", "soak/1.0");
            Add(headers, "x-forwarded-for", (i % 3) switch
            {
                0 => $"203.0.113.{(i % 250) + 1}",
                1 => $"203.0.113.{(i % 250) + 1},10.0.0.7",
                _ => $"198.51.100.{(i % 250) + 1}, 203.0.113.{(i % 250) + 1},10.0.0.7",
            });
            switch (MixedFormats[i % MixedFormats.Length])
            {
                case "cloud-trace":
                    var decimalSpan = BitConverter.ToUInt64(spanBytes) >> 1 | 1;
                    Add(headers, "x-cloud-trace-context", string.Create(CultureInfo.InvariantCulture, $"{traceId}/{decimalSpan};o={(sampled ? 1 : 0)}"));
                    break;
                case "traceparent":
                    Add(headers, "traceparent", $"00-{traceId}-{spanId}-{(sampled ? "01" : "00")}");
                    break;
                case "x-ray":
                    Add(headers, "x-amzn-trace-id", $"Root=1-{epoch}-{traceId[8..]};Parent={spanId};Sampled={(sampled ? 1 : 0)}");
                    break;
                case "b3" when i % 2 == 0:
                    Add(headers, "x-b3-traceid", traceId);
                    Add(headers, "x-b3-spanid", spanId);
                    Add(headers, "x-b3-sampled", sampled ? "1" : "0");
                    break;
                case "b3":
                    Add(headers, "b3", $"{traceId}-{spanId}-{(sampled ? 1 : 0)}");
                    break;
                default:
                    break; // none: the filter starts the trace and decides by its sampling rules
            }

            requests[i] = RequestHeadersMessage(headers, i, requestTime, endOfStream: i % 7 != 0);
            responses[i] = ResponseHeadersMessage(i % 11 == 0 ? "503" : "200");
        }

        return new RequestProfile("mixed", requests, responses);
    }
}

using EnvoyTraceFilter.Core.Headers;

namespace EnvoyTraceFilter.Configuration;

public static partial class FilterSnapshotCompiler
{
    // Envoy's own bounds: max_headers_count ≥ 1, *_headers_kb in 1..8192.
    private const int MaxKb = 8192;

    private static (HeaderLimits Request, HeaderLimits Response) CompileEnvoyLimits(EnvoyLimitsOptions options, List<string> errors)
    {
        var key = $"{Root}:EnvoyLimits";
        Count(options.MaxRequestHeadersCount, $"{key}:MaxRequestHeadersCount", "the connection manager's max_request_headers_count");
        Kb(options.MaxRequestHeadersKb, $"{key}:MaxRequestHeadersKb", "the connection manager's max_request_headers_kb");
        Count(options.MaxResponseHeadersCount, $"{key}:MaxResponseHeadersCount", "the app cluster's max_headers_count");
        Kb(options.MaxResponseHeadersKb, $"{key}:MaxResponseHeadersKb", "the app cluster's max_response_headers_kb");
        return (HeaderLimits.FromKb(options.MaxRequestHeadersCount, options.MaxRequestHeadersKb),
            HeaderLimits.FromKb(options.MaxResponseHeadersCount, options.MaxResponseHeadersKb));

        void Count(int value, string name, string envoyName)
        {
            if (value < 1)
            {
                errors.Add($"{name} must be at least 1; set it to {envoyName} (Envoy's default 100); was {value}.");
            }
        }

        void Kb(int value, string name, string envoyName)
        {
            if (value is < 1 or > MaxKb)
            {
                errors.Add($"{name} must be between 1 and {MaxKb}; set it to {envoyName} (Envoy's default 60); was {value}.");
            }
        }
    }
}

using System.Globalization;
using System.Text;
using Envoy.Service.ExtProc.V3;

namespace EnvoyEmulator;

/// <summary>A response Envoy generates itself (sendLocalReply): ext_proc errors, immediate_response, router 503.</summary>
internal sealed record LocalReply(int Status, string Body, string Details, HeaderMutation? Mutation = null)
{
    /// <summary>Envoy's sendImmediateResponse: unset or &lt;200 status ⇒ 200; whitespace in details ⇒ '_'.</summary>
    public static LocalReply FromImmediate(ImmediateResponse immediate)
    {
        var code = immediate.Status is null ? 200 : (int)immediate.Status.Code;
        return new LocalReply(code >= 200 ? code : 200, Encoding.UTF8.GetString(immediate.Body.Span),
            ReplaceSpaces(immediate.Details), immediate.Headers);
    }

    /// <summary>The filter's own error reply (status_on_error defaults to 500).</summary>
    public static LocalReply Error(int status, string message) => new(status, "", ReplaceSpaces(message));

    /// <summary>The router's reply when the upstream resets before responding.</summary>
    public static LocalReply UpstreamReset(string reason) => new(503,
        "upstream connect error or disconnect/reset before headers. reset reason: " + reason.Replace('_', ' '),
        $"upstream_reset_before_response_started{{{reason}}}");

    /// <summary>The headers the local reply carries inside Envoy (before the HCM adds server/date).</summary>
    public HeaderList Headers()
    {
        var headers = new HeaderList
        {
            { ":status", Status.ToString(CultureInfo.InvariantCulture) },
            { "content-length", Encoding.UTF8.GetByteCount(Body).ToString(CultureInfo.InvariantCulture) },
        };
        if (Body.Length > 0)
        {
            headers.Add("content-type", "text/plain");
        }

        return headers;
    }

    private static string ReplaceSpaces(string text) =>
        new(text.Select(c => char.IsWhiteSpace(c) ? '_' : c).ToArray());
}

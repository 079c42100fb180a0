namespace EnvoyEmulator;

/// <summary>
/// ext_proc forward_rules (HeaderForwardingRules): which request and response headers Envoy copies into the
/// HttpHeaders it sends (source/extensions/filters/http/ext_proc/mutation_utils.cc, headersToProto, 1.36).
/// Pseudo-headers are matched like any other name. Only what is sent is filtered: the request that goes
/// upstream and the response that goes downstream keep every header.
/// </summary>
public sealed record ForwardRules
{
    /// <summary>No forward_rules: every header is sent.</summary>
    public static ForwardRules All { get; } = new();

    /// <summary>When not empty, only names matching one of these are sent.</summary>
    public IReadOnlyList<StringMatch> AllowedHeaders { get; init; } = [];

    /// <summary>Names matching one of these are never sent; wins over <see cref="AllowedHeaders"/>.</summary>
    public IReadOnlyList<StringMatch> DisallowedHeaders { get; init; } = [];

    public bool Forwards(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (AllowedHeaders.Count > 0 && !AllowedHeaders.Any(m => m.Matches(name)))
        {
            return false;
        }

        return !DisallowedHeaders.Any(m => m.Matches(name));
    }

    /// <summary>The headers Envoy would put in the ext_proc message, in their order.</summary>
    public HeaderList Apply(HeaderList headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return AllowedHeaders.Count == 0 && DisallowedHeaders.Count == 0
            ? headers
            : new HeaderList(headers.Where(h => Forwards(h.Name)));
    }

    /// <summary>These rules plus exact matches for <paramref name="names"/> (a test that reads more headers).</summary>
    public ForwardRules Allowing(params string[] names) => AllowedHeaders.Count == 0
        ? this
        : this with { AllowedHeaders = [.. AllowedHeaders, .. names.Select(n => StringMatch.Exact(n))] };
}

using EnvoyTraceFilter.Core.Naming;
using FsCheck.Xunit;

namespace EnvoyTraceFilter.Core.Tests.Naming;

public sealed class ServiceNamerPropertyTests
{
    private static readonly ServiceNamer CatchAll = new([new NamingRule("*", null)], "Fallback", null, 1000);

    [Property(MaxTest = 1000)]
    public bool Resolve_AnyBytes_NeverThrowsAndYieldsValidName(byte[]? authority)
    {
        var result = CatchAll.Resolve(authority);

        return result.Name.Length is > 0 and <= ServiceNames.MaxLength
            && ReferenceEquals(ServiceNames.Sanitize(result.Name), result.Name)
            && (result.Source == ServiceNameSource.Fallback) == (result.Reason != ServiceNameFallbackReason.None);
    }

    [Property(MaxTest = 1000)]
    public bool IsMatch_StarPatternFromParts_MatchesTheirConcatenation(string? a, string? b, string? filler)
    {
        // a*b matches a + anything + b, whatever the parts contain (wildcards in them are fine: they match themselves too).
        var left = (a ?? string.Empty).Replace("*", string.Empty, StringComparison.Ordinal).Replace("?", string.Empty, StringComparison.Ordinal);
        var right = (b ?? string.Empty).Replace("*", string.Empty, StringComparison.Ordinal).Replace("?", string.Empty, StringComparison.Ordinal);

        return new HostPattern($"{left}*{right}").IsMatch(left + (filler ?? string.Empty) + right);
    }
}

using System.Collections.Frozen;
using System.Net;
using EnvoyTraceFilter.Core.ClientIdentity;
using EnvoyTraceFilter.Core.Naming;

namespace EnvoyTraceFilter.Configuration;

/// <summary>Client identity, naming and app-header settings (same all-errors-at-once contract as the rest).</summary>
public static partial class FilterSnapshotCompiler
{
    private static ClientAddressResolver? CompileClientIdentity(ClientIdentitySection section, List<string> errors)
    {
        var start = errors.Count;
        var mode = ParseEnum<ClientAddressMode>(section.Mode, $"{Root}:ClientIdentity:Mode", errors);
        var networks = new List<IPNetwork>();
        for (var i = 0; i < section.TrustedNetworks.Length; i++)
        {
            if (IPNetwork.TryParse(section.TrustedNetworks[i], out var network))
            {
                networks.Add(network);
            }
            else
            {
                errors.Add($"{Root}:ClientIdentity:TrustedNetworks[{i}] '{section.TrustedNetworks[i]}' is not a CIDR network; write it like 10.0.0.0/8 or 2001:db8::/32 (host bits zero).");
            }
        }

        var options = new ClientAddressOptions
        {
            Mode = mode,
            TrustedHops = section.TrustedHops,
            TrustedNetworks = networks,
            PreferSourceAddress = section.PreferSourceAddress,
            MaxForwardedForLength = section.MaxForwardedForLength,
            MaxForwardedForEntries = section.MaxForwardedForEntries,
        };
        foreach (var error in options.Validate())
        {
            errors.Add($"{Root}:{error}");
        }

        return errors.Count > start ? null : new ClientAddressResolver(options);
    }

    private static ServiceNamer? CompileNaming(NamingSection section, string? tracingName, List<string> errors, DistinctNameGuard? hostNames)
    {
        var start = errors.Count;
        var rules = new List<NamingRule>(section.Rules.Length);
        for (var i = 0; i < section.Rules.Length; i++)
        {
            var rule = section.Rules[i];
            if (string.IsNullOrWhiteSpace(rule.Pattern))
            {
                errors.Add($"{Root}:Naming:Rules[{i}]:Pattern is empty; give a host pattern such as *.example.com.");
                continue;
            }

            rules.Add(new NamingRule(rule.Pattern.Trim(), string.IsNullOrEmpty(rule.Name) ? null : rule.Name));
        }

        var namerErrors = new List<string>();
        var namer = ServiceNamer.TryCreate(rules, section.FallbackName ?? string.Empty, tracingName, section.MaxDistinctNames, namerErrors, hostNames);
        foreach (var error in namerErrors)
        {
            errors.Add(error.StartsWith(TracingNameVariable, StringComparison.Ordinal) ? error : $"{Root}:{error}");
        }

        return errors.Count > start ? null : namer;
    }

    private static FrozenDictionary<string, string>? CompileHeaderTags(Dictionary<string, string> tags, List<string> errors)
    {
        var start = errors.Count;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (header, tag) in tags)
        {
            var key = $"{Root}:SpanHeaderTags:{header}";
            if (HeaderName(header, key, errors) is { } name)
            {
                if (string.IsNullOrWhiteSpace(tag))
                {
                    errors.Add($"{key} has an empty tag key; give the tag name the header's value is recorded under.");
                }
                else
                {
                    result[name] = tag.Trim();
                }
            }
        }

        return errors.Count > start ? null : result.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>A header name Envoy accepts (a lower-case RFC 9110 token, not a pseudo-header), or null when unset.</summary>
    private static string? HeaderName(string? name, string key, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var lower = name.Trim().ToLowerInvariant();
        foreach (var c in lower)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)))
            {
                errors.Add($"{key} '{name}' is not a valid header name; use letters, digits and '-', e.g. x-client-address.");
                return null;
            }
        }

        if (lower.StartsWith("x-envoy-", StringComparison.Ordinal) || lower is "host")
        {
            errors.Add($"{key} '{name}' is a header Envoy does not let ext_proc set; choose another name, e.g. x-client-address.");
            return null;
        }

        return lower;
    }
}

namespace EnvoyEmulator;

/// <summary>The subset of envoy.config.common.mutation_rules.v3.HeaderMutationRules the emulator honours.</summary>
public sealed record HeaderMutationRules
{
    /// <summary>Allow mutating :authority, host, :method and :scheme.</summary>
    public bool AllowAllRouting { get; init; }

    /// <summary>Allow mutating x-envoy-* headers.</summary>
    public bool AllowEnvoy { get; init; }

    /// <summary>Forbid mutating any :-prefixed header.</summary>
    public bool DisallowSystem { get; init; }

    /// <summary>A disallowed mutation is an error (local reply 500) instead of being skipped.</summary>
    public bool DisallowIsError { get; init; }
}

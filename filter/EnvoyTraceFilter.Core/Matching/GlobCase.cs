namespace EnvoyTraceFilter.Core.Matching;

internal enum GlobCase : byte
{
    Sensitive,

    /// <summary>ASCII letters fold; everything else must be equal (sampling rules: hosts and methods are ASCII).</summary>
    AsciiInsensitive,

    /// <summary>Ordinal ignore-case one UTF-16 unit at a time (naming patterns).</summary>
    OrdinalInsensitive,
}

using System.Globalization;

namespace EnvoyEmulator;

/// <summary>An Envoy release (1.x.y) whose ext_proc behaviour the emulator reproduces (doc §1b, version timeline).</summary>
public readonly record struct EnvoyVersion(int Major, int Minor, int Patch = 0) : IComparable<EnvoyVersion>
{
    public static EnvoyVersion V1_36 { get; } = new(1, 36);

    /// <summary>Parses "1.36", "1.33.1" or "v1.36.0".</summary>
    public static EnvoyVersion Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.TrimStart('v', 'V').Split('.');
        if (parts.Length is < 2 or > 3)
        {
            throw new FormatException($"Envoy version '{text}' is not of the form 1.N or 1.N.P.");
        }

        var numbers = parts.Select(p => int.Parse(p, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
        return new EnvoyVersion(numbers[0], numbers[1], numbers.Length == 3 ? numbers[2] : 0);
    }

    /// <summary>True when this version is 1.minor.patch or later.</summary>
    public bool AtLeast(int minor, int patch = 0) => CompareTo(new EnvoyVersion(1, minor, patch)) >= 0;

    public int CompareTo(EnvoyVersion other) =>
        (Major, Minor, Patch).CompareTo((other.Major, other.Minor, other.Patch));

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}.{Patch}");
}

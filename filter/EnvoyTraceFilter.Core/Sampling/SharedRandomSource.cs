namespace EnvoyTraceFilter.Core.Sampling;

/// <summary>The production source: <see cref="Random.Shared"/>, which is thread-safe and allocation-free.</summary>
public sealed class SharedRandomSource : IRandomSource
{
    public static SharedRandomSource Instance { get; } = new();

    private SharedRandomSource()
    {
    }

    public double NextDouble() => Random.Shared.NextDouble();
}

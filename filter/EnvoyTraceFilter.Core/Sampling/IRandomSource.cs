namespace EnvoyTraceFilter.Core.Sampling;

/// <summary>Uniform random numbers for rate draws; injected so tests are deterministic.</summary>
public interface IRandomSource
{
    /// <summary>A value in [0, 1). Must be safe to call from many threads at once.</summary>
    double NextDouble();
}

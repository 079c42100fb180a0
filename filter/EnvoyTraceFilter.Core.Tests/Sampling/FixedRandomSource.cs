using EnvoyTraceFilter.Core.Sampling;

namespace EnvoyTraceFilter.Core.Tests.Sampling;

/// <summary>Returns whatever the test last set; counts draws so tests can see whether a draw happened.</summary>
internal sealed class FixedRandomSource(double value) : IRandomSource
{
    private int _draws;

    public double Value { get; set; } = value;

    public int Draws => Volatile.Read(ref _draws);

    public double NextDouble()
    {
        Interlocked.Increment(ref _draws);
        return Value;
    }
}

using EnvoyTraceFilter.Fuzz.Targets;

namespace EnvoyTraceFilter.Fuzz;

/// <summary>Runs one input through one part of the core and throws <see cref="PropertyViolation"/> when a property fails.</summary>
internal delegate void FuzzTarget(ReadOnlySpan<byte> input);

internal static class FuzzTargets
{
    // The names are also the corpus folders (fuzz/corpus/NAME) and what `make fuzz FUZZ_TARGETS=…` takes.
    private static readonly (string Name, FuzzTarget Run)[] All =
    [
        ("cloudtrace", CloudTraceTarget.Run),
        ("b3single", B3SingleTarget.Run),
        ("b3multi", B3MultiTarget.Run),
        ("traceparent", TraceParentTarget.Run),
        ("xray", XRayTarget.Run),
        ("xff", ForwardedForTarget.Run),
        ("host", HostTarget.Run),
        ("samplingrules", SamplingRulesTarget.Run),
        ("analyze", AnalyzeTarget.Run),
        ("xraysegment", XRaySegmentTarget.Run),
    ];

    public static IEnumerable<string> Names => All.Select(t => t.Name);

    public static bool TryGet(string name, out FuzzTarget target)
    {
        foreach (var (n, run) in All)
        {
            if (n == name)
            {
                target = run;
                return true;
            }
        }

        target = null!;
        return false;
    }
}

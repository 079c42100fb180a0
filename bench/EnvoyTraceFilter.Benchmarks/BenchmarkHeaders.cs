using System.Text;
using EnvoyTraceFilter.Core.Headers;

namespace EnvoyTraceFilter.Benchmarks;

internal static class BenchmarkHeaders
{
    /// <summary>A header set as the ext_proc edge builds it from Envoy's message.</summary>
    public static HeaderSet Set(params (string Name, string Value)[] headers)
    {
        var set = new HeaderSet();
        foreach (var (name, value) in headers)
        {
            KnownHeaders.TryLookup(name, out var known);
            set.Add(known, Encoding.ASCII.GetBytes(value));
        }

        return set;
    }
}

using System.Text;
using Envoy.Service.ExtProc.V3;

namespace EnvoyEmulator.Tests.Infrastructure;

/// <summary>Assertion helpers over ext_proc messages.</summary>
public static class ProtoAssert
{
    /// <summary>The headers as (key, raw_value) pairs; asserts that no `value` field was used.</summary>
    public static List<(string, string)> RawPairs(HttpHeaders headers)
    {
        Assert.All(headers.Headers.Headers, h => Assert.Equal("", h.Value));
        return headers.Headers.Headers.Select(h => (h.Key, Encoding.UTF8.GetString(h.RawValue.Span))).ToList();
    }
}

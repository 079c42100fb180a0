using CsCheck;
using EnvoyTraceFilter.Fuzz;

namespace EnvoyTraceFilter.Properties;

/// <summary>
/// Every fuzz target's properties (no throw; every output id valid for its format; no byte Envoy refuses, no empty
/// header; accepted contexts round-trip; host matching equals the reference matcher) on generated inputs. The same
/// code afl-fuzz runs in `make fuzz`, here with a fixed budget so `make test` stays fast.
/// </summary>
public sealed class FuzzTargetPropertyTests
{
    [Theory]
    [InlineData("cloudtrace", 20_000)]
    [InlineData("b3single", 20_000)]
    [InlineData("b3multi", 20_000)]
    [InlineData("traceparent", 20_000)]
    [InlineData("xray", 20_000)]
    [InlineData("xff", 20_000)]
    [InlineData("host", 10_000)]
    [InlineData("samplingrules", 3_000)]
    [InlineData("analyze", 10_000)]
    [InlineData("xraysegment", 10_000)]
    public void Target_holds_on_generated_inputs(string name, int iterations)
    {
        Assert.True(FuzzTargets.TryGet(name, out var target));
        CorpusInputs.For(name).Sample(bytes => target(bytes), iter: iterations, print: Hex);
    }

    [Fact]
    public void Every_target_has_a_seed_corpus_and_a_property()
    {
        var tested = typeof(FuzzTargetPropertyTests).GetMethod(nameof(Target_holds_on_generated_inputs))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>()
            .Select(a => (string)a.GetData(null!).Single()[0]).ToHashSet();
        Assert.Equal(FuzzTargets.Names.Order(), tested.Order());
        Assert.All(FuzzTargets.Names, name => Assert.NotEmpty(CorpusInputs.Seeds(name)));
    }

    [Fact]
    public void Every_committed_input_passes()
    {
        foreach (var name in FuzzTargets.Names)
        {
            Assert.True(FuzzTargets.TryGet(name, out var target));
            foreach (var file in Directory.GetFiles(CorpusInputs.Directory(name)))
            {
                var ex = Record.Exception(() => target(File.ReadAllBytes(file)));
                Assert.True(ex is null, $"{name}: {file}: {ex}");
            }
        }
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes) + " \"" + System.Text.Encoding.Latin1.GetString(bytes) + "\"";
}

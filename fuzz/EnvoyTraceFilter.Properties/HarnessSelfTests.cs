using System.Text;
using EnvoyTraceFilter.Fuzz;

namespace EnvoyTraceFilter.Properties;

/// <summary>The harness's checks can fail: each rejects a value that breaks the property it states.</summary>
public sealed class HarnessSelfTests
{
    [Theory]
    [InlineData("x-b3-traceid", "00000000000000000000000000000000")]
    [InlineData("x-b3-traceid", "80F198EE56343BA864FE8B2A57D3EFF7")]
    [InlineData("x-b3-spanid", "e457b5a2e4d86bd")]
    [InlineData("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-x")]
    [InlineData("traceparent", "01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")]
    [InlineData("traceparent", "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01")]
    [InlineData("x-amzn-trace-id", "Root=1-5759e988-bd862e3fe1be46a99427279;Sampled=1")]
    [InlineData("x-amzn-trace-id", "Root=1-5759e988-bd862e3fe1be46a994272793;a=b;c")]
    [InlineData("x-cloud-trace-context", "4bf92f3577b34da6a3ce929d0e0e4736/18446744073709551616;o=1")]
    [InlineData("x-cloud-trace-context", "4bf92f3577b34da6a3ce929d0e0e4736/0")]
    public void Invalid_trace_header_values_are_caught(string name, string value) =>
        Assert.Throws<PropertyViolation>(() => OutputFormats.CheckTraceHeader(name, value));

    [Theory]
    [InlineData("x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7")]
    [InlineData("b3", "64fe8b2a57d3eff7-e457b5a2e4d86bd1-d-05e3ac9a4f6e3b90")]
    [InlineData("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-03")]
    [InlineData("x-amzn-trace-id", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Self=1-6-a;k=")]
    [InlineData("x-cloud-trace-context", "4bf92f3577b34da6a3ce929d0e0e4736/18446744073709551615;o=1")]
    public void Valid_trace_header_values_pass(string name, string value) => OutputFormats.CheckTraceHeader(name, value);

    [Theory]
    [InlineData("a\rb")]
    [InlineData("a\nb")]
    [InlineData("\0")]
    [InlineData("\u007f")]
    [InlineData("\u0001")]
    [InlineData("")]
    public void Values_envoy_refuses_are_caught(string value) =>
        Assert.Throws<PropertyViolation>(() => OutputFormats.CheckValue("x", Encoding.Latin1.GetBytes(value)));

    [Theory]
    [InlineData("*", "", true)]
    [InlineData("a*b?c", "AxxbYc", true)]
    [InlineData("a*b?c", "abc", false)]
    [InlineData("*a*a*b", "aaaaaaaaaa", false)]
    [InlineData("", "", true)]
    public void Reference_matcher_agrees_with_the_x_ray_semantics(string pattern, string text, bool expected) =>
        Assert.Equal(expected, ReferenceGlob.IsMatch(pattern, text));
}

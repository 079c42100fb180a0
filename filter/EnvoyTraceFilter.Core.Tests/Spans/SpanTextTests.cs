using System.Text;
using EnvoyTraceFilter.Core.Spans;

namespace EnvoyTraceFilter.Core.Tests.Spans;

public sealed class SpanTextTests
{
    [Theory]
    [InlineData("abc", 3, "abc", false)]
    [InlineData("abcd", 3, "abc", true)]
    [InlineData("", 3, "", false)]
    [InlineData("aé", 2, "a", true)] // é is two bytes: cutting after its first byte would leave half a character
    [InlineData("a€b", 3, "a", true)] // € is three bytes
    [InlineData("a€b", 4, "a€", true)]
    [InlineData("a😀", 4, "a", true)] // four-byte character
    [InlineData("a😀", 5, "a😀", false)]
    public void Decode_cuts_whole_characters_and_says_so(string text, int max, string expected, bool truncated)
    {
        Assert.Equal(expected, SpanText.Decode(Encoding.UTF8.GetBytes(text), max, out var wasTruncated));
        Assert.Equal(truncated, wasTruncated);
    }

    [Fact]
    public void Decode_turns_invalid_bytes_into_replacement_characters()
    {
        Assert.Equal("a\uFFFDb", SpanText.Decode([(byte)'a', 0xFF, (byte)'b'], 10, out var truncated));
        Assert.False(truncated);
    }

    [Fact]
    public void Decode_of_a_mebibyte_keeps_the_bound()
    {
        var value = Encoding.ASCII.GetBytes(new string('x', 1 << 20));

        var decoded = SpanText.Decode(value, SpanText.MaxUserAgentBytes, out var truncated);

        Assert.Equal(SpanText.MaxUserAgentBytes, decoded.Length);
        Assert.True(truncated);
    }
}

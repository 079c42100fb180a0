using EnvoyTraceFilter.Core.Naming;

namespace EnvoyTraceFilter.Core.Tests.Naming;

public sealed class ServiceNamesTests
{
    [Theory]
    [InlineData("My application", "My application")]
    [InlineData("api.example.com", "api.example.com")]
    [InlineData("x=1+2&y#z%@\\/:-_.", "x=1+2&y#z%@\\/:-_.")] // every allowed symbol
    [InlineData("naïve café", "naïve café")] // Unicode letters
    [InlineData("日本語サービス", "日本語サービス")]
    [InlineData("٣Ⅻ", "٣Ⅻ")] // Arabic-Indic digit (Nd), Roman numeral (Nl)
    [InlineData("a\u00A0b", "a\u00A0b")] // no-break space is a space separator (Zs)
    [InlineData("a!b", "a_b")]
    [InlineData("svc(1)", "svc_1_")]
    [InlineData("a\"b", "a_b")]
    [InlineData("tab\there", "tab_here")] // control whitespace would break logs and labels
    [InlineData("line\nbreak", "line_break")]
    [InlineData("a\u2028b", "a_b")] // line separator (Zl) is not Zs
    [InlineData("emoji😀", "emoji_")] // one '_' per code point
    [InlineData("", "")]
    public void Sanitize_ReplacesWhatXRayRejects(string name, string expected)
    {
        Assert.Equal(expected, ServiceNames.Sanitize(name));
    }

    [Fact]
    public void Sanitize_LoneSurrogate_BecomesOneUnderscore()
    {
        // Built at run time: attribute strings are stored as UTF-8 and cannot carry a lone surrogate.
        var name = "a" + (char)0xD800 + "b";

        Assert.Equal("a_b", ServiceNames.Sanitize(name));
    }

    [Fact]
    public void Sanitize_ValidName_ReturnsSameInstance()
    {
        const string name = "My application";

        Assert.Same(name, ServiceNames.Sanitize(name));
    }

    [Theory]
    [InlineData(199, "", 199)]
    [InlineData(200, "", 200)]
    [InlineData(201, "", 200)] // cut at 200
    [InlineData(199, "\U0001D400", 199)] // a letter outside the BMP would end at 201 units: dropped, not split
    [InlineData(198, "\U0001D400", 200)] // fits exactly
    public void Sanitize_LongName_IsCutTo200WithoutSplittingAPair(int letters, string tail, int expectedLength)
    {
        var result = ServiceNames.Sanitize(new string('a', letters) + tail);

        Assert.Equal(expectedLength, result.Length);
        Assert.False(char.IsHighSurrogate(result[^1]));
    }

    [Theory]
    [InlineData("My application", "my application")]
    [InlineData("API.Example.com", "api.example.com")]
    [InlineData("ÄBC", "äbc")]
    public void ZipkinName_LowerCases(string name, string expected)
    {
        Assert.Equal(expected, ServiceNames.ZipkinName(name));
    }

    [Fact]
    public void ZipkinName_AlreadyLower_ReturnsSameInstance()
    {
        var name = "api.example.com";

        Assert.Same(name, ServiceNames.ZipkinName(name));
    }
}

using EnvoyTraceFilter.Core.XRay;

namespace EnvoyTraceFilter.Core.Tests.XRay;

public sealed class XRayAnnotationTests
{
    private readonly XRaySegmentWriter _writer = new();

    [Theory]
    [InlineData("route", "route")]
    [InlineData("http.route", "http_route")]
    [InlineData("x-tenant id", "x_tenant_id")]
    [InlineData("Ünïcode", "_n_code")]
    [InlineData("under_score9", "under_score9")]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Keys_are_mapped_to_letters_digits_and_underscore(string? key, string? expected) =>
        Assert.Equal(expected, XRayAnnotationWriter.Sanitise(key));

    [Fact]
    public void Tags_become_string_annotations_with_sanitised_keys_first_duplicate_wins()
    {
        var span = XRaySpans.Minimal(tags:
        [
            new("http.route", "/cart"), new("a-b", "first"), new("a.b", "second"), new("", "skipped"),
            new("tenant", "ácme \"q\""),
        ]);

        var annotations = XRayDatagram.Write(_writer, span).GetProperty("annotations");

        XRayDatagram.HasExactly(annotations, "http_route", "a_b", "tenant");
        Assert.Equal("/cart", annotations.GetProperty("http_route").GetString());
        Assert.Equal("first", annotations.GetProperty("a_b").GetString());
        Assert.Equal("ácme \"q\"", annotations.GetProperty("tenant").GetString());
    }

    [Fact]
    public void At_most_fifty_annotations_and_the_incomplete_reason_is_one_of_them_and_wins_its_key()
    {
        var tags = Enumerable.Range(0, 60).Select(i => new KeyValuePair<string, string>($"k{i}", $"v{i}")).ToList();
        tags.Insert(0, new("incomplete.reason", "forged"));

        var annotations = XRayDatagram.Write(_writer, XRaySpans.Minimal(0, "no_response", tags)).GetProperty("annotations");

        var names = annotations.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(XRayAnnotationWriter.MaxAnnotations, names.Length);
        Assert.Equal("no_response", annotations.GetProperty("incomplete_reason").GetString());
        Assert.Equal(["incomplete_reason", .. Enumerable.Range(0, 49).Select(i => $"k{i}")], names);
    }

    [Fact]
    public void Long_keys_and_values_are_cut_to_xray_limits()
    {
        var key = new string('k', 600);
        var value = new string('v', 1200);

        var annotations = XRayDatagram.Write(_writer, XRaySpans.Minimal(tags: [new(key, value)])).GetProperty("annotations");

        var only = Assert.Single(annotations.EnumerateObject());
        Assert.Equal(new string('k', 500), only.Name);
        Assert.Equal(new string('v', 1000), only.Value.GetString());
    }

    [Fact]
    public void No_tags_and_complete_span_writes_no_annotations_object()
    {
        var doc = XRayDatagram.Write(_writer, XRaySpans.Minimal());

        Assert.False(doc.TryGetProperty("annotations", out _));
    }
}

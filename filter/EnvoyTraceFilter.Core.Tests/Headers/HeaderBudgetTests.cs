using System.Text;
using EnvoyTraceFilter.Core.Headers;

namespace EnvoyTraceFilter.Core.Tests.Headers;

public sealed class HeaderBudgetTests
{
    private const string TraceId = "80f198ee56343ba864fe8b2a57d3eff7";
    private const string B3 = "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90";
    private const string TraceParent = "00-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-01";
    private const string XRay = "Root=1-80f198ee-56343ba864fe8b2a57d3eff7;Parent=e457b5a2e4d86bd1;Sampled=1";

    // Bytes (name + value) of each group of Hop(): B3 multi 44+27+33+13, b3 2+68, traceparent 11+55.
    private const int B3MultiBytes = 117;
    private const int B3Bytes = 70;
    private const int TraceParentBytes = 66;

    /// <summary>What TraceHeaderWriter writes for a sampled hop with a parent, in its order.</summary>
    private static HeaderEdits Hop(bool xray = false, bool cloud = false, string? appHeader = null)
    {
        var edits = new HeaderEdits(1024);
        edits.Set(KnownHeader.XB3TraceId, Encoding.ASCII.GetBytes(TraceId));
        edits.Set(KnownHeader.XB3SpanId, "e457b5a2e4d86bd1"u8);
        edits.Set(KnownHeader.XB3ParentSpanId, "05e3ac9a4f6e3b90"u8);
        edits.Set(KnownHeader.XB3Sampled, "1"u8);
        edits.Set(KnownHeader.B3, Encoding.ASCII.GetBytes(B3));
        edits.Set(KnownHeader.TraceParent, Encoding.ASCII.GetBytes(TraceParent));
        if (xray)
        {
            edits.Set(KnownHeader.XAmznTraceId, Encoding.ASCII.GetBytes(XRay));
        }

        if (cloud)
        {
            edits.Set(KnownHeader.XCloudTraceContext, Encoding.ASCII.GetBytes(TraceId + "/16453819474850114513;o=1"));
        }

        if (appHeader is not null)
        {
            edits.Set("x-client-ip", appHeader);
        }

        return edits;
    }

    private static string Describe(HeaderEdits edits, HeaderBudgetResult result)
    {
        var groups = Enum.GetValues<OutputGroup>();
        return string.Join(" ", groups.Where(result.Keeps).Select(g => "+" + OutputGroups.TagName(g))
            .Concat(groups.Where(result.DroppedForLimit).Select(g => "-" + OutputGroups.TagName(g)))
            .Concat(groups.Where(result.DroppedInvalid).Select(g => "!" + OutputGroups.TagName(g)))
            .Append(result.Withheld ? "withheld" : "sent")
            .Concat(result.RemoveStaleB3 ? ["remove b3"] : []));
    }

    [Theory]
    [InlineData(94, "+b3 +traceparent +b3_multi sent")]
    [InlineData(95, "+traceparent +b3_multi -b3 sent")]
    [InlineData(96, "+b3_multi -b3 -traceparent sent")]
    [InlineData(97, "-b3 -traceparent -b3_multi withheld")]
    [InlineData(98, "-b3 -traceparent -b3_multi withheld")]
    [InlineData(99, "-b3 -traceparent -b3_multi withheld")]
    [InlineData(100, "-b3 -traceparent -b3_multi withheld")]
    public void Drops_whole_groups_least_value_first_until_the_count_fits(int incoming, string expected)
    {
        var edits = Hop();
        var map = FakeHeaderMap.WithCount(incoming);
        var result = HeaderBudget.Fit(edits, map, HeaderLimits.EnvoyDefault);

        Assert.Equal(expected, Describe(edits, result));
        Assert.True(result.Withheld || map.Apply(edits, result, dropDuplicates: false).Count == 100);
    }

    [Fact]
    public void Overwriting_headers_that_arrived_adds_nothing_to_the_count()
    {
        var map = FakeHeaderMap.WithCount(100,
            ("x-b3-traceid", TraceId), ("x-b3-spanid", "0000000000000001"), ("x-b3-parentspanid", "0000000000000002"),
            ("x-b3-sampled", "0"), ("b3", "0"), ("traceparent", TraceParent));

        var result = HeaderBudget.Fit(Hop(), map, HeaderLimits.EnvoyDefault);

        Assert.Equal("+b3 +traceparent +b3_multi sent", Describe(Hop(), result));
    }

    [Fact]
    public void Removals_make_room()
    {
        // Not sampled, no parent: the stale parent and flags go, sampled is new. 100 - 2 + 1 = 99, so one more fits.
        var edits = new HeaderEdits(512);
        edits.Set(KnownHeader.XB3TraceId, Encoding.ASCII.GetBytes(TraceId));
        edits.Set(KnownHeader.XB3SpanId, "e457b5a2e4d86bd1"u8);
        edits.Remove(KnownHeader.XB3ParentSpanId);
        edits.Set(KnownHeader.XB3Sampled, "0"u8);
        edits.Remove(KnownHeader.XB3Flags);
        edits.Set(KnownHeader.B3, Encoding.ASCII.GetBytes(TraceId + "-e457b5a2e4d86bd1-0"));
        edits.Set(KnownHeader.TraceParent, "00-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-00"u8);
        var map = FakeHeaderMap.WithCount(100,
            ("x-b3-traceid", TraceId), ("x-b3-spanid", "05e3ac9a4f6e3b90"), ("x-b3-parentspanid", "0000000000000002"), ("x-b3-flags", "1"));

        var result = HeaderBudget.Fit(edits, map, HeaderLimits.EnvoyDefault);

        Assert.Equal("+traceparent +b3_multi -b3 sent", Describe(edits, result));
        Assert.Equal(100, map.Apply(edits, result, dropDuplicates: false).Count);
    }

    [Fact]
    public void A_dropped_b3_that_arrived_is_removed_and_the_removal_counts()
    {
        // 96 + 4 new B3 multi + traceparent = 101 (b3 overwrites); without b3, removing the caller's: 95 + 5 = 100.
        var map = FakeHeaderMap.WithCount(96, ("b3", "80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-1"));

        var result = HeaderBudget.Fit(Hop(), map, HeaderLimits.EnvoyDefault);

        Assert.Equal("+traceparent +b3_multi -b3 sent remove b3", Describe(Hop(), result));
        var after = map.Apply(Hop(), result, dropDuplicates: false);
        Assert.Equal(100, after.Count);
        Assert.DoesNotContain(after.Items, h => h.Name == "b3");
    }

    [Fact]
    public void A_b3_that_is_not_an_output_is_never_removed()
    {
        var edits = new HeaderEdits(512);
        edits.Set(KnownHeader.TraceParent, Encoding.ASCII.GetBytes(TraceParent));
        var map = FakeHeaderMap.WithCount(100, ("b3", "0"));

        var result = HeaderBudget.Fit(edits, map, HeaderLimits.EnvoyDefault);

        Assert.Equal("-traceparent withheld", Describe(edits, result));
    }

    [Theory]
    [InlineData(B3MultiBytes + B3Bytes + TraceParentBytes, "+b3 +traceparent +b3_multi sent")]
    [InlineData(B3MultiBytes + B3Bytes + TraceParentBytes - 1, "+traceparent +b3_multi -b3 sent")]
    [InlineData(B3MultiBytes + TraceParentBytes - 1, "+b3_multi -b3 -traceparent sent")]
    [InlineData(B3MultiBytes, "+b3_multi -b3 -traceparent sent")]
    [InlineData(B3MultiBytes - 1, "-b3 -traceparent -b3_multi withheld")]
    [InlineData(0, "-b3 -traceparent -b3_multi withheld")]
    public void Drops_groups_until_the_bytes_fit_60_KiB(int room, string expected)
    {
        // Ten headers, one of them large, leaving exactly `room` bytes below 60 KiB.
        var baseline = FakeHeaderMap.WithCount(10);
        var map = FakeHeaderMap.WithCount(10, ("cookie", new string('c', (int)(61_440 - baseline.ByteSize - room + 9 - 6))));
        Assert.Equal(61_440 - room, map.ByteSize);

        var result = HeaderBudget.Fit(Hop(), map, HeaderLimits.EnvoyDefault);

        Assert.Equal(expected, Describe(Hop(), result));
        Assert.True(result.Withheld || map.Apply(Hop(), result, dropDuplicates: false).ByteSize <= 61_440);
    }

    [Fact]
    public void Longer_values_of_headers_that_arrived_count_the_difference()
    {
        // The caller's b3 is 1 byte; ours is 68: 67 more bytes, with 66 bytes of room left after everything else.
        var baseline = FakeHeaderMap.WithCount(10, ("b3", "1"));
        var room = B3MultiBytes + TraceParentBytes + 66;
        var map = FakeHeaderMap.WithCount(10, ("b3", "1"), ("cookie", new string('c', (int)(61_440 - baseline.ByteSize - room + 9 - 6))));

        var result = HeaderBudget.Fit(Hop(), map, HeaderLimits.EnvoyDefault);

        Assert.Equal("+traceparent +b3_multi -b3 sent remove b3", Describe(Hop(), result));
    }

    [Fact]
    public void A_map_already_over_its_limit_gets_no_mutation_even_for_pure_overwrites()
    {
        var map = FakeHeaderMap.WithCount(102,
            ("x-b3-traceid", TraceId), ("x-b3-spanid", "0000000000000001"), ("x-b3-parentspanid", "0000000000000002"),
            ("x-b3-sampled", "0"), ("b3", "0"), ("traceparent", TraceParent));

        var result = HeaderBudget.Fit(Hop(), map, HeaderLimits.EnvoyDefault);

        Assert.Equal("-b3 -traceparent -b3_multi withheld", Describe(Hop(), result));
    }

    [Fact]
    public void Order_is_b3_traceparent_cloud_trace_xray_app_headers_then_b3_multi()
    {
        var edits = Hop(xray: true, cloud: true, appHeader: "203.0.113.7");
        var expected = new[]
        {
            "+b3 +traceparent +cloud_trace +xray +app_headers +b3_multi sent",
            "+traceparent +cloud_trace +xray +app_headers +b3_multi -b3 sent",
            "+cloud_trace +xray +app_headers +b3_multi -b3 -traceparent sent",
            "+xray +app_headers +b3_multi -b3 -traceparent -cloud_trace sent",
            "+app_headers +b3_multi -b3 -traceparent -cloud_trace -xray sent",
            "+b3_multi -b3 -traceparent -cloud_trace -xray -app_headers sent",
            "-b3 -traceparent -cloud_trace -xray -app_headers -b3_multi withheld",
        };

        // 9 sets: with 91 incoming all fit; each further header drops one more group (B3 multi holds 4).
        var seen = new[] { 91, 92, 93, 94, 95, 96, 97 }.Select(n => Describe(edits, HeaderBudget.Fit(edits, FakeHeaderMap.WithCount(n), HeaderLimits.EnvoyDefault)));

        Assert.Equal(expected, seen);
    }

    [Theory]
    [InlineData(new byte[] { 0x01 })]
    [InlineData(new byte[] { 0x00 })]
    [InlineData(new byte[] { 0x0a })]
    [InlineData(new byte[] { 0x1f })]
    [InlineData(new byte[] { 0x7f })]
    public void A_group_with_a_byte_Envoy_rejects_is_dropped_and_the_rest_is_sent(byte[] bad)
    {
        var edits = Hop();
        edits.Set(KnownHeader.XAmznTraceId, [.. Encoding.ASCII.GetBytes(XRay + ";Self=a"), .. bad, (byte)'b']);

        var result = HeaderBudget.Fit(edits, FakeHeaderMap.WithCount(10), HeaderLimits.EnvoyDefault);

        Assert.Equal("+b3 +traceparent +b3_multi !xray sent", Describe(edits, result));
    }

    [Theory]
    [InlineData("a\tb", true)]
    [InlineData(" ~", true)]
    [InlineData("caf\u00e9", true)]
    [InlineData("a\u007f", false)]
    [InlineData("\r", false)]
    public void Valid_values_are_htab_space_visible_ascii_and_obs_text(string value, bool valid) =>
        Assert.Equal(valid, HeaderBudget.IsValidValue(Encoding.UTF8.GetBytes(value)));

    [Fact]
    public void Only_invalid_values_means_no_mutation()
    {
        var edits = new HeaderEdits(64);
        edits.Set("x-client-ip", "a\u0001");

        var result = HeaderBudget.Fit(edits, FakeHeaderMap.WithCount(10), HeaderLimits.EnvoyDefault);

        Assert.Equal("!app_headers withheld", Describe(edits, result));
    }

    [Fact]
    public void With_room_to_spare_the_incoming_headers_are_not_even_looked_up()
    {
        var result = HeaderBudget.Fit(Hop(xray: true), new ThrowingMap(90), HeaderLimits.EnvoyDefault);

        Assert.Equal("+b3 +traceparent +xray +b3_multi sent", Describe(Hop(xray: true), result));
    }

    [Fact]
    public void Empty_edits_are_neither_sent_nor_withheld()
    {
        var result = HeaderBudget.Fit(new HeaderEdits(8), FakeHeaderMap.WithCount(150), HeaderLimits.EnvoyDefault);

        Assert.Equal("sent", Describe(new HeaderEdits(8), result));
        Assert.False(result.Withheld);
    }

    [Fact]
    public void The_usual_case_does_not_allocate()
    {
        var edits = Hop(xray: true);
        var map = new ThrowingMap(30);
        for (var i = 0; i < 100; i++)
        {
            HeaderBudget.Fit(edits, map, HeaderLimits.EnvoyDefault);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            HeaderBudget.Fit(edits, map, HeaderLimits.EnvoyDefault);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private readonly struct ThrowingMap(int count) : IHeaderMapSize
    {
        public int Count => count;

        public long ByteSize => count * 10L;

        public HeaderOccurrences Find(string lowerName) => throw new InvalidOperationException("looked up " + lowerName);
    }
}

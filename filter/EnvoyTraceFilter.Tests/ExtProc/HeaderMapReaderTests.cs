using System.Text;
using Envoy.Config.Core.V3;
using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.ExtProc;
using Google.Protobuf;

namespace EnvoyTraceFilter.Tests.ExtProc;

public sealed class HeaderMapReaderTests
{
    private static HeaderMap Map(params (string Key, string Value)[] headers)
    {
        var map = new HeaderMap();
        foreach (var (key, value) in headers)
        {
            map.Headers.Add(new HeaderValue { Key = key, RawValue = ByteString.CopyFromUtf8(value) });
        }

        return map;
    }

    [Fact]
    public void Repeated_forwarded_for_lines_are_joined_in_order_and_marked_duplicated()
    {
        var set = HeaderMapReader.Read(Map(("x-forwarded-for", "1.1.1.1"), (":path", "/"), ("x-forwarded-for", "2.2.2.2"), ("x-forwarded-for", "3.3.3.3")));

        Assert.Equal("1.1.1.1, 2.2.2.2, 3.3.3.3", Encoding.ASCII.GetString(set.Get(KnownHeader.XForwardedFor)));
        Assert.True(set.IsDuplicated(KnownHeader.XForwardedFor));
        Assert.Equal("/", Encoding.ASCII.GetString(set.Get(KnownHeader.Path)));
    }

    [Fact]
    public void A_single_forwarded_for_line_is_the_message_bytes_themselves()
    {
        var map = Map(("x-forwarded-for", "1.1.1.1"));

        var set = HeaderMapReader.Read(map);

        Assert.False(set.IsDuplicated(KnownHeader.XForwardedFor));
        Assert.True(set.GetMemory(KnownHeader.XForwardedFor).Span.Overlaps(map.Headers[0].RawValue.Span));
    }

    [Fact]
    public void Twenty_thousand_forwarded_for_lines_cost_memory_linear_in_their_size()
    {
        const int lines = 20_000;
        var map = new HeaderMap();
        for (var i = 0; i < lines; i++)
        {
            map.Headers.Add(new HeaderValue { Key = "x-forwarded-for", RawValue = ByteString.CopyFromUtf8("10.0.0.1") });
        }

        var joinedLength = (lines * 8) + ((lines - 1) * 2);
        HeaderMapReader.Read(map); // warm-up: JIT and first-use allocations are not the reader's
        var before = GC.GetAllocatedBytesForCurrentThread();
        var set = HeaderMapReader.Read(map);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(joinedLength, set.Get(KnownHeader.XForwardedFor).Length);
        // Joining line by line would copy the growing value each time: about lines² × 5 bytes (2 GB here).
        Assert.True(allocated < 10L * joinedLength + (lines * 64L), $"allocated {allocated} bytes for a {joinedLength}-byte value");
    }
}

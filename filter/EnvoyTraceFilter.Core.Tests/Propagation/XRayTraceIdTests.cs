using System.Text;
using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Core.Tests.Propagation;

public class XRayTraceIdTests
{
    [Theory]
    // The docs' example: epoch 5759e988, then 24 hex; read as one 32-hex id.
    [InlineData("1-5759e988-bd862e3fe1be46a994272793", 0x5759e988bd862e3fUL, 0xe1be46a994272793UL)]
    [InlineData("1-58406520-a006649127e371903a2de979", 0x58406520a0066491UL, 0x27e371903a2de979UL)]
    [InlineData("1-00000000-000000000000000000000001", 0UL, 1UL)]
    [InlineData("1-ffffffff-ffffffffffffffffffffffff", 0xffffffffffffffffUL, 0xffffffffffffffffUL)]
    public void Parses_and_writes_back(string root, ulong high, ulong low)
    {
        Assert.True(XRayTraceId.TryParse(A(root), out var traceId, out var reason));
        Assert.Equal(RejectReason.None, reason);
        Assert.Equal(new TraceId(high, low), traceId);

        var written = new byte[XRayTraceId.RootLength];
        XRayTraceId.Write(traceId, written);
        Assert.Equal(root, Encoding.ASCII.GetString(written));
    }

    [Fact]
    public void Writes_64_bit_id_left_padded()
    {
        var destination = new byte[XRayTraceId.RootLength + 3];
        destination.AsSpan().Fill((byte)'#');
        XRayTraceId.Write(new TraceId(0, 0x64fe8b2a57d3eff7, Is64Bit: true), destination);
        Assert.Equal("1-00000000-0000000064fe8b2a57d3eff7###", Encoding.ASCII.GetString(destination));
    }

    [Theory]
    [InlineData("", RejectReason.BadLength)]
    [InlineData("1-5759e988-bd862e3fe1be46a99427279", RejectReason.BadLength)] // 34
    [InlineData("1-5759e988-bd862e3fe1be46a9942727930", RejectReason.BadLength)] // 36
    [InlineData("2-5759e988-bd862e3fe1be46a994272793", RejectReason.BadVersion)]
    [InlineData("0-5759e988-bd862e3fe1be46a994272793", RejectReason.BadVersion)]
    [InlineData("11-5759e988-bd862e3fe1be46a99427279", RejectReason.BadVersion)]
    [InlineData("-15759e988-bd862e3fe1be46a99427279", RejectReason.BadVersion)] // empty version
    [InlineData("2-abc", RejectReason.BadVersion)] // a future version's layout is not ours to judge by length
    [InlineData("1-5759e988_bd862e3fe1be46a994272793", RejectReason.BadDelimiter)]
    [InlineData("1-5759e9888bd862e3fe1be46a994272793", RejectReason.BadDelimiter)]
    [InlineData("15759e988bd862e3fe1be46a994272793ab", RejectReason.BadDelimiter)] // no '-' at all, 35 bytes
    [InlineData("1-5759E988-bd862e3fe1be46a994272793", RejectReason.BadCharacter)]
    [InlineData("1-5759e988-BD862E3FE1BE46A994272793", RejectReason.BadCharacter)]
    [InlineData("1-5759e988-bd862e3fe1be46a99427279g", RejectReason.BadCharacter)]
    [InlineData("1-5759e988-bd862e3f-1be46a994272793", RejectReason.BadCharacter)]
    [InlineData("1-00000000-000000000000000000000000", RejectReason.ZeroTraceId)]
    public void Invalid(string root, RejectReason expected)
    {
        Assert.False(XRayTraceId.TryParse(A(root), out var traceId, out var reason));
        Assert.Equal(expected, reason);
        Assert.Equal(default, traceId);
    }

    private static byte[] A(string s) => Encoding.ASCII.GetBytes(s);
}

using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.XRay;

namespace EnvoyTraceFilter.Core.Tests.XRay;

public sealed class XRayTraceIdsTests
{
    private const long Now = 1_700_000_000;

    private static TraceId WithEpoch(long epoch) => new(((ulong)epoch << 32) | 0xa0066491UL, 0x27e371903a2de979UL);

    [Theory]
    [InlineData(Now, true)]
    [InlineData(Now - XRayTraceIds.MaxAgeSeconds, true)]
    [InlineData(Now - XRayTraceIds.MaxAgeSeconds - 1, false)]
    [InlineData(Now + XRayTraceIds.MaxFutureSkewSeconds, true)]
    [InlineData(Now + XRayTraceIds.MaxFutureSkewSeconds + 1, false)]
    [InlineData(0L, false)]
    [InlineData(0xffffffffL, false)]
    public void Epoch_window_is_inclusive_at_both_ends(long epoch, bool compatible) =>
        Assert.Equal(compatible, XRayTraceIds.IsXRayCompatible(WithEpoch(epoch), Now));

    [Fact]
    public void Window_numbers_are_28_days_back_and_5_minutes_ahead()
    {
        Assert.Equal(2_419_200, XRayTraceIds.MaxAgeSeconds);
        Assert.Equal(300, XRayTraceIds.MaxFutureSkewSeconds);
    }

    [Fact]
    public void Invalid_and_64_bit_ids_are_not_compatible()
    {
        Assert.False(XRayTraceIds.IsXRayCompatible(default, Now));
        Assert.False(XRayTraceIds.IsXRayCompatible(new TraceId(0, 0x1234, Is64Bit: true), Now));
    }

    [Fact]
    public void Random_w3c_style_id_is_not_compatible()
    {
        // 4bf92f35... from the W3C spec example: epoch 0x4bf92f35 is in 2010.
        var w3c = new TraceId(0x4bf92f3577b34da6UL, 0xa3ce929d0e0e4736UL);
        Assert.False(XRayTraceIds.IsXRayCompatible(w3c, Now));
        Assert.Equal(0x4bf92f35L, XRayTraceIds.EpochSeconds(w3c));
    }

    [Fact]
    public void Writes_version_epoch_and_96_bit_parts()
    {
        Span<byte> text = stackalloc byte[XRayTraceIds.Length];
        XRayTraceIds.Write(XRaySpans.TraceId, text);
        Assert.Equal(XRaySpans.XRayTraceId, System.Text.Encoding.ASCII.GetString(text));
        Assert.Equal(Now, XRayTraceIds.EpochSeconds(XRaySpans.TraceId));
    }
}

using System.Text;
using EnvoyTraceFilter.Core.Headers;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace EnvoyTraceFilter.Core.Tests.Headers;

/// <summary>
/// For any incoming map, edits and limits: what the budget lets through is inside Envoy's limits (whether or not
/// setCopy drops duplicates), only valid bytes are sent, groups go whole, least value first, and no more than needed.
/// </summary>
public sealed class HeaderBudgetPropertyTests
{
    private static readonly string[] IncomingNames =
        ["b3", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags", "traceparent",
         "tracestate", "x-amzn-trace-id", "x-cloud-trace-context", "x-client-ip", "cookie", "x-pad"];

    private static readonly byte[] Alphabet = [.. "0123456789abcdef-;=/ Root"u8, 0x00, 0x01, 0x09, 0x0a, 0x0d, 0x1f, 0x7f, 0x80, 0xff];

    private static Gen<string> Value(int max) => Gen.Choose(0, max).Select(n => new string('v', n));

    private static Gen<FakeHeaderMap> Incoming =>
        from count in Gen.Choose(0, 106)
        from headers in Gen.ArrayOf(
            from name in Gen.Elements(IncomingNames)
            from length in Gen.Frequency((8, Gen.Choose(0, 80)), (1, Gen.Choose(0, 40_000)))
            select (name, new string('v', length)),
            count)
        select FakeHeaderMap.WithCount(count + 4, headers);

    private static Gen<byte[]> AnyValue(int max) =>
        Gen.Choose(0, max).SelectMany(n => Gen.ArrayOf(Gen.Elements(Alphabet), n));

    private static Gen<HeaderEdits> Edits =>
        from b3Multi in Gen.Elements(true, false)
        from parent in Gen.Elements(true, false)
        from b3 in Gen.Elements(true, false)
        from traceParent in Gen.Elements(true, false)
        from xray in Gen.OneOf(Gen.Constant<byte[]?>(null), AnyValue(300).Select(v => (byte[]?)v))
        from cloud in Gen.Elements(true, false)
        from app in Gen.OneOf(Gen.Constant<byte[]?>(null), AnyValue(40).Select(v => (byte[]?)v))
        select Build(b3Multi, parent, b3, traceParent, xray, cloud, app);

    private static HeaderEdits Build(bool b3Multi, bool parent, bool b3, bool traceParent, byte[]? xray, bool cloud, byte[]? app)
    {
        var edits = new HeaderEdits(64);
        if (b3Multi)
        {
            edits.Set(KnownHeader.XB3TraceId, "80f198ee56343ba864fe8b2a57d3eff7"u8);
            edits.Set(KnownHeader.XB3SpanId, "e457b5a2e4d86bd1"u8);
            if (parent)
            {
                edits.Set(KnownHeader.XB3ParentSpanId, "05e3ac9a4f6e3b90"u8);
            }
            else
            {
                edits.Remove(KnownHeader.XB3ParentSpanId);
            }

            edits.Set(KnownHeader.XB3Sampled, "1"u8);
            edits.Remove(KnownHeader.XB3Flags);
        }

        if (b3)
        {
            edits.Set(KnownHeader.B3, "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1"u8);
        }

        if (traceParent)
        {
            edits.Set(KnownHeader.TraceParent, "00-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-01"u8);
        }

        if (xray is not null)
        {
            edits.Set(KnownHeader.XAmznTraceId, xray);
        }

        if (cloud)
        {
            edits.Set(KnownHeader.XCloudTraceContext, "80f198ee56343ba864fe8b2a57d3eff7/1;o=1"u8);
        }

        if (app is not null)
        {
            edits.Set("x-client-ip", Encoding.Latin1.GetString(app));
        }

        return edits;
    }

    private static Gen<HeaderLimits> Limits =>
        from count in Gen.Choose(1, 110)
        from kb in Gen.Frequency((3, Gen.Choose(1, 64)), (1, Gen.Constant(60)))
        select HeaderLimits.FromKb(count, kb);

    private static Arbitrary<(FakeHeaderMap Map, HeaderEdits Edits, HeaderLimits Limits)> Cases =>
        (from map in Incoming from edits in Edits from limits in Limits select (map, edits, limits)).ToArbitrary();

    [Property(MaxTest = 2000)]
    public Property What_is_sent_fits_and_is_valid_and_groups_go_whole_least_value_first() => Prop.ForAll(Cases, c =>
    {
        var (map, edits, limits) = c;
        var result = HeaderBudget.Fit(edits, map, limits);
        var present = Present(edits);
        var kept = Mask(result.Keeps);
        var dropped = Mask(result.DroppedForLimit);
        var invalid = Mask(result.DroppedInvalid);

        var partition = (kept | dropped | invalid) == present && (kept & dropped) == 0 && (kept & invalid) == 0 && (dropped & invalid) == 0;
        var sent = FakeHeaderMap.Mutation(edits, result);
        var valid = sent.All(e => e.Value is null || HeaderBudget.IsValidValue(e.Value));
        var fits = edits.IsEmpty || result.Withheld || (Within(map.Apply(edits, result, dropDuplicates: false), sent, limits)
            && Within(map.Apply(edits, result, dropDuplicates: true), sent, limits));

        // Least value first: nothing kept ranks below a group dropped for the limit.
        var lowestKept = kept == 0 ? OutputGroups.Count : System.Numerics.BitOperations.TrailingZeroCount(kept);
        var order = dropped == 0 || 31 - System.Numerics.BitOperations.LeadingZeroCount((uint)dropped) < lowestKept;

        // No more than needed: keeping the last group dropped as well would not fit.
        var minimal = true;
        if (dropped != 0)
        {
            var last = 1 << (31 - System.Numerics.BitOperations.LeadingZeroCount((uint)dropped));
            var more = kept | last;
            var b3Bit = 1 << (int)OutputGroup.B3Single;
            var removeB3 = (present & b3Bit) != 0 && (more & b3Bit) == 0 && map.Find("b3").Count > 0;
            var wider = new HeaderBudgetResult(more, 0, 0, removeB3);
            minimal = !Within(map.Apply(edits, wider, dropDuplicates: false), FakeHeaderMap.Mutation(edits, wider), limits);
        }

        return (partition && valid && fits && order && minimal)
            .Label($"partition {partition} valid {valid} fits {fits} order {order} minimal {minimal}; kept {kept:b} dropped {dropped:b} invalid {invalid:b}; incoming {map.Count}/{map.ByteSize}; limits {limits}");
    });

    private static bool Within(FakeHeaderMap after, List<(string Name, byte[]? Value)> sent, HeaderLimits limits) =>
        after.Count <= limits.MaxCount && after.ByteSize <= limits.MaxBytes
        && sent.Count(e => e.Value is null) <= limits.MaxCount && sent.Count(e => e.Value is not null) <= limits.MaxCount;

    private static int Present(HeaderEdits edits)
    {
        var mask = 0;
        for (var i = 0; i < edits.SetCount; i++)
        {
            mask |= 1 << (int)OutputGroups.Of(edits.SetName(i));
        }

        for (var i = 0; i < edits.RemoveCount; i++)
        {
            mask |= 1 << (int)OutputGroups.Of(edits.Removed(i));
        }

        return mask;
    }

    private static int Mask(Func<OutputGroup, bool> test) =>
        Enum.GetValues<OutputGroup>().Where(test).Aggregate(0, (mask, g) => mask | (1 << (int)g));
}

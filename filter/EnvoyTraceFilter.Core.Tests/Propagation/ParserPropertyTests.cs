using System.Text;
using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.Core.Propagation;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace EnvoyTraceFilter.Core.Tests.Propagation;

/// <summary>Properties every parser must hold for any input: no throw, no partial success, exact round trips.</summary>
public class ParserPropertyTests
{
    private const int Runs = 1000;

    // Valid headers of every format; mutating them reaches checks that uniformly random bytes never get past.
    private static readonly byte[][] Samples =
    [
        .. new[]
        {
            "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90", "64fe8b2a57d3eff7-e457b5a2e4d86bd1", "d",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-x",
            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", "Root=1-5759e988-bd862e3fe1be46a994272793; Self=a=b ;",
            "4bf92f3577b34da6a3ce929d0e0e4736/17725314949316355921;o=1", "4bf92f3577b34da6a3ce929d0e0e4736/18446744073709551615",
        }.Select(Encoding.ASCII.GetBytes),
    ];

    private static readonly byte[] Alphabet = Encoding.ASCII.GetBytes("0123456789abcdefABCDEFdg-;=/ \t?o1RSP\u007f").Append((byte)0).Append((byte)0xff).ToArray();

    private static Gen<byte[]> Mutated =>
        from sample in Gen.Elements(Samples)
        from count in Gen.Choose(1, 3)
        from edits in Gen.ArrayOf(
            from kind in Gen.Choose(0, 2)
            from position in Gen.Choose(0, 200)
            from b in Gen.Elements(Alphabet)
            select (kind, position, b),
            count)
        select Apply(sample, edits);

    private static Arbitrary<byte[]> AnyInput => Gen.OneOf(
        ArbMap.Default.GeneratorFor<byte[]>(),
        Gen.ArrayOf(Gen.Elements(Alphabet)),
        Mutated).ToArbitrary();

    private static Gen<ulong> NonZero64 => Gen.OneOf(
        Gen.Elements(1UL, 9UL, 10UL, 0x8000000000000000UL, ulong.MaxValue - 1, ulong.MaxValue),
        Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i), 8).Select(b => BitConverter.ToUInt64(b)).Where(v => v != 0));

    [Property(MaxTest = Runs)]
    public Property Single_value_parsers_never_throw_and_never_half_succeed() => Prop.ForAll(AnyInput, bytes =>
        Holds(B3Parser.TryParseSingle(bytes, out var b3, out var r1), b3, r1, TraceFormat.B3Single)
        && Holds(TraceParentParser.TryParse(bytes, out var tp, out var r2), tp, r2, TraceFormat.TraceParent)
        && Holds(XRayTraceHeaderParser.TryParse(bytes, out var xr, out var r3), xr, r3, TraceFormat.XRay)
        && Holds(CloudTraceContextParser.TryParse(bytes, out var ct, out var r4), ct, r4, TraceFormat.CloudTrace)
        && (XRayTraceId.TryParse(bytes, out var id, out var r5) ? r5 == RejectReason.None && id.IsValid : id == default && r5 != RejectReason.None));

    [Property(MaxTest = Runs)]
    public Property XRay_extra_fields_fit_and_round_trip() => Prop.ForAll(AnyInput, bytes =>
    {
        // Any input, accepted or not, fits in Length + 1 and does not throw.
        var extras = new byte[bytes.Length + 1];
        var written = XRayTraceHeaderParser.WriteExtraFields(bytes, extras);
        if (!XRayTraceHeaderParser.TryParse(bytes, out _, out _))
        {
            return true;
        }

        // An accepted header rebuilt from its Root and its extras is accepted and has the same extras.
        var rebuilt = Encoding.ASCII.GetBytes("Root=1-5759e988-bd862e3fe1be46a994272793").Concat(extras.Take(written)).ToArray();
        var again = new byte[rebuilt.Length + 1];
        return XRayTraceHeaderParser.TryParse(rebuilt, out _, out _)
            && extras.AsSpan(0, written).SequenceEqual(again.AsSpan(0, XRayTraceHeaderParser.WriteExtraFields(rebuilt, again)));
    });

    [Property(MaxTest = Runs)]
    public Property Multi_never_throws_and_never_half_succeeds() => Prop.ForAll(Gen.ArrayOf(Gen.OneOf(Gen.Constant<byte[]?>(null), AnyInput.Generator.Select(b => (byte[]?)b)), 6).ToArbitrary(), values =>
    {
        var headers = new HeaderSet();
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is { } v)
            {
                headers.Add(i == 5 ? KnownHeader.XB3Sampled : (KnownHeader)((int)KnownHeader.XB3TraceId + i), v); // slot 5 duplicates x-b3-sampled
            }
        }

        var ok = B3Parser.TryParseMulti(headers, out var context, out var reason);
        var anyPresent = values.Any(v => v is not null);
        return ok ? reason == RejectReason.None && context.Format == TraceFormat.B3Multi && context.HasTraceId == context.SpanId.IsValid
            : context == default && (reason == RejectReason.None) == !anyPresent;
    });

    [Property(MaxTest = Runs)]
    public Property Delimiter_floods_are_rejected() => Prop.ForAll(
        (from c in Gen.Elements((byte)'-', (byte)';', (byte)'/', (byte)'=', (byte)' ')
         from n in Gen.Choose(0, 3000)
         select Enumerable.Repeat(c, n).ToArray()).ToArbitrary(),
        bytes => !B3Parser.TryParseSingle(bytes, out _, out _) && !TraceParentParser.TryParse(bytes, out _, out _)
            && !XRayTraceHeaderParser.TryParse(bytes, out _, out _) && !CloudTraceContextParser.TryParse(bytes, out _, out _)
            && !XRayTraceId.TryParse(bytes, out _, out _));

    [Property(MaxTest = Runs)]
    public Property B3_single_round_trips() => Prop.ForAll(
        (from high in Gen.OneOf(Gen.Constant(0UL), NonZero64)
         from low in NonZero64
         from span in NonZero64
         from parent in NonZero64
         from fields in Gen.Choose(2, 4)
         from sampling in Gen.Elements(("0", SamplingDecision.NotSampled), ("1", SamplingDecision.Sampled), ("d", SamplingDecision.Debug))
         from is64 in Gen.Elements(true, false)
         select (high: is64 ? 0 : high, low, span, parent, fields, sampling, is64)).ToArbitrary(),
        x =>
        {
            var text = (x.is64 ? $"{x.low:x16}" : $"{x.high:x16}{x.low:x16}") + $"-{x.span:x16}"
                + (x.fields >= 3 ? "-" + x.sampling.Item1 : "") + (x.fields == 4 ? $"-{x.parent:x16}" : "");
            var expected = new TraceContext(
                new TraceId(x.high, x.low, x.is64), new SpanId(x.span), new SpanId(x.fields == 4 ? x.parent : 0),
                x.fields >= 3 ? x.sampling.Item2 : SamplingDecision.None, TraceFormat.B3Single);
            return B3Parser.TryParseSingle(Encoding.ASCII.GetBytes(text), out var context, out _) && context == expected;
        });

    [Property(MaxTest = Runs)]
    public Property TraceParent_round_trips() => Prop.ForAll(
        Gen.Zip(Gen.Zip(NonZero64, NonZero64), Gen.Zip(NonZero64, Gen.Choose(0, 255))).ToArbitrary(),
        x =>
        {
            var ((high, low), (parent, flags)) = x;
            var text = $"00-{high:x16}{low:x16}-{parent:x16}-{flags:x2}";
            var expected = new TraceContext(new TraceId(high, low), new SpanId(parent), default,
                (flags & 1) == 1 ? SamplingDecision.Sampled : SamplingDecision.NotSampled, TraceFormat.TraceParent)
            {
                RandomTraceId = (flags & 2) == 2,
            };
            return TraceParentParser.TryParse(Encoding.ASCII.GetBytes(text), out var context, out _) && context == expected;
        });

    [Property(MaxTest = Runs)]
    public Property CloudTrace_round_trips() => Prop.ForAll(
        Gen.Zip(Gen.Zip(NonZero64, NonZero64), NonZero64).ToArbitrary(),
        x =>
        {
            var ((high, low), span) = x;
            var text = $"{high:x16}{low:x16}/{span}"; // lower case only, as Google's libraries read it
            var expected = new TraceContext(new TraceId(high, low), new SpanId(span), default, SamplingDecision.None, TraceFormat.CloudTrace);
            return CloudTraceContextParser.TryParse(Encoding.ASCII.GetBytes(text), out var context, out _) && context == expected;
        });

    [Property(MaxTest = Runs)]
    public Property XRayTraceId_round_trips() => Prop.ForAll(Gen.Zip(NonZero64, NonZero64).ToArbitrary(), x =>
    {
        var id = new TraceId(x.Item1, x.Item2);
        var root = new byte[XRayTraceId.RootLength];
        XRayTraceId.Write(id, root);
        return XRayTraceId.TryParse(root, out var parsed, out _) && parsed == id;
    });

    // The contract of every TryParse: success says None and carries what the format requires; failure says why
    // and leaves the context default.
    private static bool Holds(bool ok, TraceContext context, RejectReason reason, TraceFormat format)
    {
        if (!ok)
        {
            return context == default && reason != RejectReason.None;
        }

        var complete = format switch
        {
            TraceFormat.B3Single => context.HasTraceId ? context.SpanId.IsValid : !context.SpanId.IsValid && context.Sampling != SamplingDecision.None,
            TraceFormat.XRay => context.HasTraceId,
            _ => context.HasTraceId && context.SpanId.IsValid,
        };
        return reason == RejectReason.None && context.Format == format && complete;
    }

    private static byte[] Apply(byte[] sample, (int Kind, int Position, byte Value)[] edits)
    {
        var bytes = sample.ToList();
        foreach (var (kind, position, value) in edits)
        {
            var at = position % (bytes.Count + 1);
            if (kind == 0 || bytes.Count == 0 || at == bytes.Count)
            {
                bytes.Insert(at, value);
            }
            else if (kind == 1)
            {
                bytes[at] = value;
            }
            else
            {
                bytes.RemoveAt(at);
            }
        }

        return bytes.ToArray();
    }
}

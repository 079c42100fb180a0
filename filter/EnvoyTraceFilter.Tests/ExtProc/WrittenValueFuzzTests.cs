using Envoy.Config.Core.V3;
using Envoy.Service.ExtProc.V3;
using Google.Protobuf;

namespace EnvoyTraceFilter.Tests.ExtProc;

/// <summary>
/// Whatever bytes the incoming headers hold, no value the filter writes holds a byte Envoy 1.36 rejects (every
/// control byte but HTAB, and DEL): such a mutation is a local 500 that failure_mode_allow does not cover.
/// </summary>
public sealed class WrittenValueFuzzTests
{
    private static readonly string[] Names =
        ["b3", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags", "traceparent", "tracestate",
         "x-amzn-trace-id", "x-cloud-trace-context", "x-forwarded-for", "x-envoy-external-address", "user-agent"];

    // Fragments of valid headers, so random edits reach past the parsers' first checks.
    private static readonly string[] Seeds =
        ["80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90", "80f198ee56343ba864fe8b2a57d3eff7", "e457b5a2e4d86bd1",
         "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Self=a;Lineage=b",
         "4bf92f3577b34da6a3ce929d0e0e4736/17725314949316355921;o=1", "203.0.113.7, 198.51.100.7", "1", "d", "rojo=00f067aa0ba902b7"];

    private static bool EnvoyAccepts(ReadOnlySpan<byte> value)
    {
        foreach (var b in value)
        {
            if (b != 0x09 && (b < 0x20 || b == 0x7F))
            {
                return false;
            }
        }

        return true;
    }

    private static byte[] Fuzz(Random random)
    {
        var value = System.Text.Encoding.ASCII.GetBytes(Seeds[random.Next(Seeds.Length)]).ToList();
        var edits = random.Next(0, 6);
        for (var i = 0; i < edits; i++)
        {
            // Mostly control bytes, sometimes anything.
            var b = random.Next(3) == 0 ? (byte)random.Next(256) : (byte)(random.Next(2) == 0 ? random.Next(0x20) : 0x7F);
            var at = random.Next(value.Count + 1);
            switch (random.Next(3))
            {
                case 0: value.Insert(at, b); break;
                case 1 when at < value.Count: value[at] = b; break;
                default: value.Insert(at, (byte)';'); value.Insert(at, b); break;
            }
        }

        return [.. value];
    }

    [Theory]
    [InlineData("Hop", 1)]
    [InlineData("Hop", 2)]
    [InlineData("TranslateOnly", 3)]
    public void No_written_value_holds_a_byte_Envoy_rejects(string mode, int seed)
    {
        var random = new Random(seed);
        var snapshot = TestFilter.Snapshot(new SequenceIdGenerator(), o =>
        {
            o.Propagation.Mode = mode;
            o.Propagation.Outputs = ["B3Multi", "B3Single", "TraceParent", "XRay", "CloudTrace"];
            o.ClientIdentity.TrustedHops = 1;
            o.ClientIdentity.Header = "x-client-ip";
            o.Naming.Header = "x-service-name";
            o.Naming.Rules = [new() { Pattern = "*" }];
        });

        var written = 0;
        for (var i = 0; i < 1500; i++)
        {
            var request = Messages.RequestHeaders((":authority", "api.example.com"), (":path", "/"), (":method", "GET"));
            var headers = request.RequestHeaders.Headers.Headers;
            foreach (var name in Names.Where(_ => random.Next(3) != 0))
            {
                headers.Add(new HeaderValue { Key = name, RawValue = ByteString.CopyFrom(Fuzz(random)) });
            }

            if (random.Next(4) == 0)
            {
                headers[0].RawValue = ByteString.CopyFrom(Fuzz(random)); // a forged :authority
            }

            var answer = TestFilter.Stream(snapshot).Handle(request);

            var mutation = answer.RequestHeaders.Response?.HeaderMutation;
            foreach (var option in mutation?.SetHeaders ?? [])
            {
                Assert.True(EnvoyAccepts(option.Header.RawValue.Span),
                    $"{option.Header.Key}: {Convert.ToHexString(option.Header.RawValue.Span)} from {request}");
                written++;
            }
        }

        Assert.True(written > 1500, $"only {written} values written"); // the test reached the writers
    }

    [Fact]
    public void An_xray_extra_field_with_a_control_byte_is_never_echoed()
    {
        var snapshot = TestFilter.Snapshot(new SequenceIdGenerator(), o => o.Propagation.Outputs = ["B3Multi", "XRay"]);
        var request = Messages.RequestHeaders((":authority", "api.example.com"));
        request.RequestHeaders.Headers.Headers.Add(new HeaderValue
        {
            Key = "x-amzn-trace-id",
            RawValue = ByteString.CopyFrom([.. "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Self=a"u8, 0x01, (byte)'b']),
        });

        var set = TestFilter.Stream(snapshot).Handle(request).RequestHeaders.Response.HeaderMutation.SetHeaders;

        Assert.Equal("5759e988bd862e3fe1be46a994272793", set.Single(o => o.Header.Key == "x-b3-traceid").Header.RawValue.ToStringUtf8());
        Assert.All(set, o => Assert.True(EnvoyAccepts(o.Header.RawValue.Span), o.Header.Key));
    }
}

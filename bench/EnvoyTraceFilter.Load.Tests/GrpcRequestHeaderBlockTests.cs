using EnvoyEmulator.Http2;

namespace EnvoyTraceFilter.Load.Tests;

public class GrpcRequestHeaderBlockTests
{
    private static readonly KeyValuePair<string, string>[] Expected =
    [
        new(":method", "POST"),
        new(":scheme", "http"),
        new(":path", "/envoy.service.ext_proc.v3.ExternalProcessor/Process"),
        new(":authority", "trace_filter"),
        new("content-type", "application/grpc"),
        new("te", "trailers"),
        new("x-envoy-internal", "true"),
        new("x-forwarded-for", "10.0.0.2"),
    ];

    [Fact]
    public void First_block_carries_Envoys_call_headers_and_fills_the_dynamic_table()
    {
        var block = new GrpcRequestHeaderBlock("trace_filter", "10.0.0.2");
        var decoder = new HpackDecoder();
        var headers = new List<KeyValuePair<string, string>>();

        decoder.Decode(block.First, headers);

        Assert.Equal(Expected, headers);
        Assert.Equal(6, decoder.DynamicTableCount);
    }

    [Fact]
    public void Repeat_block_refers_to_the_table_and_decodes_to_the_same_headers()
    {
        var block = new GrpcRequestHeaderBlock("trace_filter", "10.0.0.2");
        var decoder = new HpackDecoder();
        decoder.Decode(block.First, []);
        var headers = new List<KeyValuePair<string, string>>();

        decoder.Decode(block.Repeat, headers);

        Assert.Equal(Expected, headers);
        Assert.Equal(8, block.Repeat.Length); // one byte per field: fully indexed
    }
}

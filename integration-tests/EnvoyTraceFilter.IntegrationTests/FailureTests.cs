using Envoy.Service.ExtProc.V3;
using EnvoyEmulator;
using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>Nothing we do wrong may break a request; a client that breaks the protocol loses only its stream.</summary>
public sealed class FailureTests
{
    [Fact]
    public async Task ExceptionInsideTheFilter_RequestPassesUnmodifiedAndIsCounted()
    {
        await using var host = await FilterHost.StartAsync(overSocket: false, services: s => s.AddSingleton<IIdGenerator, ThrowingIdGenerator>());
        using var metrics = host.Metrics();

        var exchange = await Emulation.For(host).SendAsync(Emulation.Get("api.example.com",
            ("x-cloud-trace-context", "4bf92f3577b34da6a3ce929d0e0e4736/1;o=1"))).DefaultTimeout();

        Assert.Equal(ExchangeOutcome.Processed, exchange.Outcome);
        Assert.Equal(200, exchange.Downstream.Status);
        Assert.Null(exchange.Upstream!.Get("x-b3-traceid"));
        Assert.Null(exchange.Upstream.Get("traceparent"));
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736/1;o=1", exchange.Upstream.Get("x-cloud-trace-context"));
        Assert.Equal(1, metrics.Sum("tracefilter.extproc.errors", "phase=request_headers"));
    }

    [Fact]
    public async Task EmptyProcessingRequest_EndsOnlyThatStreamWithInvalidArgument()
    {
        await using var host = await FilterHost.StartAsync(overSocket: true);
        var client = new ExternalProcessor.ExternalProcessorClient(host.Channel);

        using var call = client.Process();
        await call.RequestStream.WriteAsync(new ProcessingRequest()).DefaultTimeout();
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None)).DefaultTimeout();

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("ProcessingRequest carries none of request_headers, response_headers, request_body, response_body, request_trailers, response_trailers.", error.Status.Detail);

        // The server keeps serving other streams.
        var exchange = await Emulation.For(host).SendAsync(Emulation.Get("api.example.com")).DefaultTimeout();
        Assert.Equal(ExchangeOutcome.Processed, exchange.Outcome);
    }

    [Fact]
    public async Task MalformedProtobuf_EndsOnlyThatStreamWithInvalidArgumentAndIsCounted()
    {
        await using var host = await FilterHost.StartAsync(overSocket: true);
        using var metrics = host.Metrics();
        // The real method name with a marshaller that sends whatever bytes it is given.
        var raw = new Method<byte[], ProcessingResponse>(MethodType.DuplexStreaming, "envoy.service.ext_proc.v3.ExternalProcessor", "Process",
            Marshallers.Create(static bytes => bytes, static bytes => bytes), Marshallers.Create(static r => r.ToByteArray(), ProcessingResponse.Parser.ParseFrom));

        using var call = host.Channel.CreateCallInvoker().AsyncDuplexStreamingCall(raw, null, new CallOptions());
        await call.RequestStream.WriteAsync([0x0A, 0xFF, 0xFF, 0xFF]).DefaultTimeout(); // field 1, length that runs past the end
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None)).DefaultTimeout();

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("ProcessingRequest is not a valid protobuf message: ", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(1, metrics.Sum("tracefilter.extproc.protocol_violations", "kind=malformed_message"));
        var exchange = await Emulation.For(host).SendAsync(Emulation.Get("api.example.com")).DefaultTimeout();
        Assert.Equal(ExchangeOutcome.Processed, exchange.Outcome);
    }

    [Fact]
    public async Task FilterDown_EnvoyFailsOpen()
    {
        FilterHost host = await FilterHost.StartAsync(overSocket: true);
        await using var emulator = Emulation.For(host);
        await host.DisposeAsync();

        var exchange = await emulator.SendAsync(Emulation.Get("api.example.com")).DefaultTimeout();

        Assert.Equal(ExchangeOutcome.FailOpenError, exchange.Outcome);
        Assert.Equal(200, exchange.Downstream.Status);
        Assert.Null(exchange.Upstream!.Get("x-b3-traceid"));
    }

    private sealed class ThrowingIdGenerator : IIdGenerator
    {
        public SpanId NewSpanId() => throw new InvalidOperationException("injected");

        public TraceId NewTraceId() => throw new InvalidOperationException("injected");
    }
}

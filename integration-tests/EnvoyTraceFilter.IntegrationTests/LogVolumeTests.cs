using System.Collections.Concurrent;
using Envoy.Service.ExtProc.V3;
using EnvoyEmulator;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using BodyMode = Envoy.Extensions.Filters.Http.ExtProc.V3.ProcessingMode.Types.BodySendMode;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>With the shipped log levels, serving requests writes nothing at Information or above.</summary>
public sealed class LogVolumeTests
{
    private sealed class Capture : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(Capture owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Lines.Enqueue($"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)}");
        }
    }

    [Fact]
    public async Task Requests_SampledRejectedAndBodyModes_WriteNoInformationLine()
    {
        var capture = new Capture();
        var appsettings = Path.Combine(FilterProcess.BuildOutput(), "appsettings.json");
        await using var host = await FilterHost.StartAsync(overSocket: false,
            new Dictionary<string, string?> { ["TraceFilter:Sampling:Strategy"] = "Always" },
            services: s => s.AddSingleton<ILoggerProvider>(capture),
            // The shipped Logging section (levels per category), as the binary runs with it.
            configuration: c => c.AddJsonFile(appsettings, optional: false));
        var emulator = Emulation.For(host);
        capture.Lines.Clear();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(ExchangeOutcome.Processed, (await emulator.SendAsync(Emulation.Get("api.example.com", ("traceparent", "garbage"))).DefaultTimeout()).Outcome);
        }

        // Envoy announcing body modes (protocol_config) used to log one Information line per stream.
        var client = new ExternalProcessor.ExternalProcessorClient(host.Channel);
        for (var i = 0; i < 3; i++)
        {
            using var call = client.Process();
            var request = new ProcessingRequest
            {
                RequestHeaders = new HttpHeaders { Headers = new Envoy.Config.Core.V3.HeaderMap() },
                ProtocolConfig = new ProtocolConfiguration { RequestBodyMode = BodyMode.Streamed },
            };
            request.RequestHeaders.Headers.Headers.Add(new Envoy.Config.Core.V3.HeaderValue { Key = ":authority", RawValue = Google.Protobuf.ByteString.CopyFromUtf8("api.example.com") });
            await call.RequestStream.WriteAsync(request).DefaultTimeout();
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
            await call.RequestStream.CompleteAsync().DefaultTimeout();
            Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        }

        // The capture only receives what the shipped levels let through (Information and above by default).
        Assert.Empty(capture.Lines);
    }
}

using System.Collections.Concurrent;
using System.Net;
using Envoy.Service.ExtProc.V3;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EnvoyTraceFilter.Load.Tests;

/// <summary>An in-process ext_proc server on a free loopback port that records what the load generator sent.</summary>
internal sealed class ExtProcTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ExtProcTestServer(WebApplication app, Recorder recorder, int port)
    {
        _app = app;
        Recorded = recorder;
        EndPoint = new IPEndPoint(IPAddress.Loopback, port);
    }

    public IPEndPoint EndPoint { get; }

    public Recorder Recorded { get; }

    /// <param name="answer">The answer to a message; null answers with an empty response of the matching arm.</param>
    public static async Task<ExtProcTestServer> StartAsync(Func<ProcessingRequest, ProcessingResponse?>? answer = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var recorder = new Recorder(answer ?? (_ => null));
        builder.Services.AddSingleton(recorder);
        builder.Services.AddGrpc();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2);
            k.Limits.Http2.MaxStreamsPerConnection = 10000;
        });
        var app = builder.Build();
        app.MapGrpcService<RecordingProcessor>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ExtProcTestServer(app, recorder, new Uri(address).Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal sealed class Recorder(Func<ProcessingRequest, ProcessingResponse?> answer)
    {
        public Func<ProcessingRequest, ProcessingResponse?> Answer { get; } = answer;

        public ConcurrentQueue<string> CallHeaders { get; } = new();

        public ConcurrentQueue<ProcessingRequest> FirstMessages { get; } = new();

        /// <summary>Per call, the kinds of message received in order ("RequestHeaders", "ResponseHeaders", ...).</summary>
        public ConcurrentQueue<string> Sequences { get; } = new();
    }

    private sealed class RecordingProcessor(Recorder recorder) : ExternalProcessor.ExternalProcessorBase
    {
        public override async Task Process(IAsyncStreamReader<ProcessingRequest> requestStream, IServerStreamWriter<ProcessingResponse> responseStream,
            ServerCallContext context)
        {
            var sequence = new List<string>();
            var headers = context.RequestHeaders;
            recorder.CallHeaders.Enqueue(string.Join(";", headers.Where(h => h.Key is "x-envoy-internal" or "x-forwarded-for")
                .Select(h => $"{h.Key}={h.Value}")) + $";authority={context.GetHttpContext().Request.Host}");
            try
            {
                while (await requestStream.MoveNext(CancellationToken.None))
                {
                    var request = requestStream.Current;
                    sequence.Add(request.RequestCase.ToString());
                    if (sequence.Count == 1 && recorder.FirstMessages.Count < 4)
                    {
                        recorder.FirstMessages.Enqueue(request);
                    }

                    var response = recorder.Answer(request) ?? request.RequestCase switch
                    {
                        ProcessingRequest.RequestOneofCase.RequestHeaders => new ProcessingResponse { RequestHeaders = new HeadersResponse() },
                        _ => new ProcessingResponse { ResponseHeaders = new HeadersResponse() },
                    };
                    await responseStream.WriteAsync(response);
                    if (request.RequestCase == ProcessingRequest.RequestOneofCase.ResponseHeaders
                        || response.ResponseCase == ProcessingResponse.ResponseOneofCase.ImmediateResponse)
                    {
                        return; // the filter's early finish
                    }
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                sequence.Add("reset");
            }
            finally
            {
                recorder.Sequences.Enqueue(string.Join(",", sequence));
            }
        }
    }
}

using System.Threading.Channels;
using Envoy.Service.ExtProc.V3;
using Grpc.Core;

namespace EnvoyEmulator.Tests.Infrastructure;

/// <summary>A fake ext_proc server whose behaviour per call is a test-supplied script.</summary>
public sealed class ScriptedProcessor : ExternalProcessor.ExternalProcessorBase
{
    private readonly Channel<ServerCall> _calls = Channel.CreateUnbounded<ServerCall>();

    public Func<ServerCall, Task> Script { get; set; } = Scripts.ContinueAll;

    /// <summary>The next call that reached the server, in arrival order.</summary>
    public Task<ServerCall> NextCallAsync() => _calls.Reader.ReadAsync().AsTask().Within();

    public override async Task Process(IAsyncStreamReader<ProcessingRequest> requestStream,
        IServerStreamWriter<ProcessingResponse> responseStream, ServerCallContext context)
    {
        var call = new ServerCall(requestStream, responseStream, context);
        _calls.Writer.TryWrite(call);
        try
        {
            await Script(call);
        }
        finally
        {
            call.Finished.TrySetResult();
        }
    }
}

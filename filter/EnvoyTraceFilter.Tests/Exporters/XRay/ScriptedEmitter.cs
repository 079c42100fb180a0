using EnvoyTraceFilter.Exporters.XRay;

namespace EnvoyTraceFilter.Tests.Exporters.XRay;

/// <summary>An emitter a test can make throw or hold inside a send.</summary>
internal sealed class ScriptedEmitter : IXRayEmitter
{
    public Exception? Throw { get; set; }

    public bool Block { get; init; }

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ManualResetEventSlim Release { get; } = new();

    public int Sent { get; private set; }

    public int SendFailures { get; private set; }

    public string Describe() => "scripted";

    public ValueTask RefreshAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public XRaySendStatus Send(ReadOnlySpan<byte> datagram, out System.Net.Sockets.SocketError error)
    {
        if (Block)
        {
            Entered.TrySetResult();
            // Bounded so a broken test cannot hang the run.
            Assert.True(Release.Wait(TimeSpan.FromSeconds(30)));
        }

        if (Throw is { } exception)
        {
            throw exception;
        }

        Sent++;
        error = System.Net.Sockets.SocketError.Success;
        return XRaySendStatus.Sent;
    }

    public void OnSendFailed() => SendFailures++;

    public void Dispose() => Release.Dispose();
}

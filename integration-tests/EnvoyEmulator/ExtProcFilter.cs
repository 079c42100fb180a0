using Envoy.Extensions.Filters.Http.ExtProc.V3;
using Envoy.Service.ExtProc.V3;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using EnvoyMetadata = Envoy.Config.Core.V3.Metadata;
using Case = Envoy.Service.ExtProc.V3.ProcessingResponse.ResponseOneofCase;

namespace EnvoyEmulator;

/// <summary>
/// Envoy's ext_proc filter state for one HTTP request: the lazily opened stream, the per-message timer and the
/// reaction to every kind of answer, close and failure (ext_proc.cc onReceiveMessage / onGrpcError /
/// onGrpcClose / onMessageTimeout; doc §1b).
/// </summary>
internal sealed class ExtProcFilter(ISideStreamFactory transport, EmulatorOptions options, EmulatorStats stats)
{
    private readonly List<ExtProcMessage> _messages = [];
    private readonly EnvoyVersion _version = options.EnvoyVersion;
    private readonly FailurePolicy _policy = new(options, stats);
    private SideStream? _stream;
    private bool _remoteCloseHandled;

    public ProcessingMode Mode { get; private set; } = new(options.ProcessingMode);

    /// <summary>Envoy's processing_complete_: nothing more is sent to the server for this request.</summary>
    public bool ProcessingComplete { get; private set; }

    /// <summary>The first thing that went other than planned, or null while all is well.</summary>
    public ExchangeOutcome? Outcome { get; private set; }

    public IReadOnlyList<ExtProcMessage> Messages => _messages;

    public bool MessageSent => _messages.Count > 0;

    public Status? ServerStatus => _stream?.RemoteStatus;

    /// <summary>Sends one message and waits (message_timeout) for its answer with arm <paramref name="expected"/>.</summary>
    public async Task<FilterResult> ExchangeAsync(ProcessingRequest message, Case expected)
    {
        var first = _stream is null;
        if (first)
        {
            _stream = transport.Open();
            if (_stream.OpenFailure is { } failure)
            {
                return OpenFailed(failure);
            }

            stats.IncStreamsStarted();
        }

        if (_version.AtLeast(30))
        {
            message.MetadataContext = new EnvoyMetadata();
        }

        if (first && _version.AtLeast(34))
        {
            message.ProtocolConfig = new ProtocolConfiguration
            {
                RequestBodyMode = Mode.RequestBodyMode,
                ResponseBodyMode = Mode.ResponseBodyMode,
            };
        }

        _messages.Add(new ExtProcMessage(message, null));
        stats.IncStreamMsgsSent();
        await _stream!.SendAsync(message).ConfigureAwait(false);

        using var timer = new CancellationTokenSource(options.MessageTimeout);
        var restarted = false;
        while (true)
        {
            var next = await _stream.NextAsync(timer.Token).ConfigureAwait(false);
            switch (next.Kind)
            {
                case StreamEventKind.TimedOut:
                    return await TimedOutAsync().ConfigureAwait(false);
                case StreamEventKind.ClosedOk or StreamEventKind.Failed:
                    return RemoteClosed(next.Status!.Value);
            }

            var answer = next.Message!;
            _messages.Add(new ExtProcMessage(null, answer));
            if (answer.OverrideMessageTimeout is { } requested)
            {
                // Every other field of this answer is ignored; the timer restarts at most once per message.
                if (!restarted && Overridable(requested, out var timeout))
                {
                    restarted = true;
                    timer.CancelAfter(timeout);
                    stats.IncOverrideMessageTimeoutReceived();
                }
                else
                {
                    stats.IncOverrideMessageTimeoutIgnored();
                }

                continue;
            }

            if (options.AllowModeOverride && answer.ModeOverride is { } mode)
            {
                Mode = ProtoHeaders.Override(Mode, mode, _version); // only while a headers answer is awaited
            }

            if (answer.ResponseCase == expected)
            {
                stats.IncStreamMsgsReceived();
                return FilterResult.Answered(answer);
            }

            return await UnexpectedAsync(answer).ConfigureAwait(false);
        }
    }

    /// <summary>Reacts to whatever arrived while no answer was awaited (e.g. while the upstream works).</summary>
    public async Task<FilterResult> HandleIdleEventAsync(StreamEvent next)
    {
        if (next.Kind != StreamEventKind.Message)
        {
            return RemoteClosed(next.Status!.Value);
        }

        _messages.Add(new ExtProcMessage(null, next.Message));
        if (next.Message!.OverrideMessageTimeout is not null)
        {
            stats.IncOverrideMessageTimeoutIgnored(); // no timer is running
            return FilterResult.Continue;
        }

        return await UnexpectedAsync(next.Message).ConfigureAwait(false);
    }

    /// <summary>
    /// Reacts to what arrives after the last expected answer while the HTTP request is still going (≤1.36 keeps the
    /// stream open until then): the server's OK end is the normal end (onGrpcClose: streams_closed, no outcome);
    /// a message is spurious and an error is a gRPC error, as at any other time.
    /// </summary>
    public async Task<FilterResult> HandleLateEventAsync(StreamEvent next)
    {
        if (next.Kind == StreamEventKind.ClosedOk)
        {
            _remoteCloseHandled = true;
            CountRemoteClose(next.Status!.Value);
            ProcessingComplete = true;
            return FilterResult.Continue;
        }

        return await HandleIdleEventAsync(next).ConfigureAwait(false);
    }

    /// <summary>A mutation in an answer was rejected: handleErrorResponse ⇒ local reply 500.</summary>
    public async Task<LocalReply> FailAsync(string message)
    {
        await StopAsync(ExchangeOutcome.LocalReplyError).ConfigureAwait(false);
        return LocalReply.Error(500, message);
    }

    /// <summary>Envoy's closeStream(): counts streams_closed only if the stream was still open.</summary>
    public async Task CloseAsync()
    {
        if (_stream is null)
        {
            return;
        }

        // The server's end may have arrived unobserved: Envoy would have handled it first (onGrpcClose/Error).
        if (!_remoteCloseHandled && _stream.RemoteClosed && !ProcessingComplete)
        {
            _remoteCloseHandled = true;
            CountRemoteClose(_stream.RemoteStatus!.Value);
        }

        var countIt = !_remoteCloseHandled;
        if (await _stream.CloseAsync(options.CloseStyle).ConfigureAwait(false) && countIt)
        {
            stats.IncStreamsClosed();
        }
    }

    /// <summary>The stream while the server may still legitimately send or end something.</summary>
    public SideStream? ActiveStream => ProcessingComplete || _stream is null || _stream.ClosedByEnvoy ? null : _stream;

    private async Task<FilterResult> UnexpectedAsync(ProcessingResponse answer)
    {
        if (answer.ResponseCase == Case.ImmediateResponse)
        {
            stats.IncStreamMsgsReceived();
            await StopAsync(ExchangeOutcome.ImmediateResponse).ConfigureAwait(false);
            return FilterResult.Local(LocalReply.FromImmediate(answer.ImmediateResponse));
        }

        var (outcome, reply) = _policy.Spurious(answer);
        await StopAsync(outcome).ConfigureAwait(false);
        return reply is null ? FilterResult.Continue : FilterResult.Local(reply);
    }

    /// <summary>
    /// The gRPC client failed the stream while starting it (cluster overflow): onGrpcError runs inline, before
    /// streams_started, and the stream is gone, so nothing is closed later.
    /// </summary>
    private FilterResult OpenFailed(Status status)
    {
        _remoteCloseHandled = true;
        ProcessingComplete = true;
        stats.IncStreamsFailed();
        if (options.FailureModeAllow)
        {
            stats.IncFailureModeAllowed();
        }

        var (outcome, reply) = _policy.RemoteClosed(status);
        Outcome ??= outcome;
        return reply is null ? FilterResult.Continue : FilterResult.Local(reply);
    }

    private FilterResult RemoteClosed(Status status)
    {
        _remoteCloseHandled = true;
        CountRemoteClose(status);
        ProcessingComplete = true;
        var (outcome, reply) = _policy.RemoteClosed(status);
        Outcome ??= outcome;
        return reply is null ? FilterResult.Continue : FilterResult.Local(reply);
    }

    private void CountRemoteClose(Status status)
    {
        if (status.StatusCode != StatusCode.OK)
        {
            stats.IncStreamsFailed();
            if (ProcessingComplete || !options.FailureModeAllow)
            {
                return;
            }

            stats.IncFailureModeAllowed();
        }

        if (!ProcessingComplete)
        {
            stats.IncStreamsClosed();
        }
    }

    private async Task<FilterResult> TimedOutAsync()
    {
        var (outcome, reply) = _policy.TimedOut();
        await StopAsync(outcome).ConfigureAwait(false);
        return reply is null ? FilterResult.Continue : FilterResult.Local(reply);
    }

    private async Task StopAsync(ExchangeOutcome outcome)
    {
        Outcome ??= outcome;
        ProcessingComplete = true;
        await CloseAsync().ConfigureAwait(false);
    }

    private bool Overridable(Duration requested, out TimeSpan timeout)
    {
        timeout = requested.ToTimeSpan();
        return timeout >= TimeSpan.FromMilliseconds(1) && timeout <= options.MaxMessageTimeout;
    }
}

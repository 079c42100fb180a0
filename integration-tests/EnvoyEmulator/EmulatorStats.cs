namespace EnvoyEmulator;

/// <summary>Cumulative counters named as Envoy's http.&lt;prefix&gt;.ext_proc.* stats (doc §1b "Stats").</summary>
public sealed class EmulatorStats
{
    private long _streamsStarted, _streamMsgsSent, _streamMsgsReceived, _spuriousMsgsReceived, _streamsClosed,
        _streamsFailed, _failureModeAllowed, _messageTimeouts, _rejectedHeaderMutations,
        _overrideMessageTimeoutReceived, _overrideMessageTimeoutIgnored, _clearRouteCacheIgnored;

    // Cluster stats of the ext_proc cluster (cluster.<name>.*), raw transport only.
    private long _upstreamCxTotal, _upstreamRqPendingOverflow;

    public long StreamsStarted => Interlocked.Read(ref _streamsStarted);
    public long StreamMsgsSent => Interlocked.Read(ref _streamMsgsSent);
    public long StreamMsgsReceived => Interlocked.Read(ref _streamMsgsReceived);
    public long SpuriousMsgsReceived => Interlocked.Read(ref _spuriousMsgsReceived);
    public long StreamsClosed => Interlocked.Read(ref _streamsClosed);
    public long StreamsFailed => Interlocked.Read(ref _streamsFailed);
    public long FailureModeAllowed => Interlocked.Read(ref _failureModeAllowed);
    public long MessageTimeouts => Interlocked.Read(ref _messageTimeouts);
    public long RejectedHeaderMutations => Interlocked.Read(ref _rejectedHeaderMutations);
    public long OverrideMessageTimeoutReceived => Interlocked.Read(ref _overrideMessageTimeoutReceived);
    public long OverrideMessageTimeoutIgnored => Interlocked.Read(ref _overrideMessageTimeoutIgnored);
    public long ClearRouteCacheIgnored => Interlocked.Read(ref _clearRouteCacheIgnored);

    /// <summary>cluster.&lt;name&gt;.upstream_cx_total: HTTP/2 connections opened to the ext_proc server.</summary>
    public long UpstreamCxTotal => Interlocked.Read(ref _upstreamCxTotal);

    /// <summary>
    /// cluster.&lt;name&gt;.upstream_rq_pending_overflow: streams refused by the circuit breaker (max_requests); each one
    /// fails the ext_proc call at once, so the request bypasses the filter when failure_mode_allow is on.
    /// </summary>
    public long UpstreamRqPendingOverflow => Interlocked.Read(ref _upstreamRqPendingOverflow);

    /// <summary>The ext_proc cluster's counters by their Envoy names (without the cluster.&lt;name&gt;. prefix).</summary>
    public IReadOnlyList<KeyValuePair<string, long>> ClusterSnapshot() =>
    [
        new("upstream_cx_total", UpstreamCxTotal),
        new("upstream_rq_pending_overflow", UpstreamRqPendingOverflow),
    ];

    /// <summary>All counters by their Envoy names, in a fixed order.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Snapshot() =>
    [
        new("streams_started", StreamsStarted),
        new("stream_msgs_sent", StreamMsgsSent),
        new("stream_msgs_received", StreamMsgsReceived),
        new("spurious_msgs_received", SpuriousMsgsReceived),
        new("streams_closed", StreamsClosed),
        new("streams_failed", StreamsFailed),
        new("failure_mode_allowed", FailureModeAllowed),
        new("message_timeouts", MessageTimeouts),
        new("rejected_header_mutations", RejectedHeaderMutations),
        new("override_message_timeout_received", OverrideMessageTimeoutReceived),
        new("override_message_timeout_ignored", OverrideMessageTimeoutIgnored),
        new("clear_route_cache_ignored", ClearRouteCacheIgnored),
    ];

    /// <summary>A counter by its Envoy name.</summary>
    public long this[string envoyName] =>
        Snapshot().Single(kv => kv.Key == envoyName).Value;

    public override string ToString() => string.Join("\n", Snapshot().Select(kv => $"{kv.Key}: {kv.Value}"));

    internal void IncStreamsStarted() => Interlocked.Increment(ref _streamsStarted);
    internal void IncStreamMsgsSent() => Interlocked.Increment(ref _streamMsgsSent);
    internal void IncStreamMsgsReceived() => Interlocked.Increment(ref _streamMsgsReceived);
    internal void IncSpuriousMsgsReceived() => Interlocked.Increment(ref _spuriousMsgsReceived);
    internal void IncStreamsClosed() => Interlocked.Increment(ref _streamsClosed);
    internal void IncStreamsFailed() => Interlocked.Increment(ref _streamsFailed);
    internal void IncFailureModeAllowed() => Interlocked.Increment(ref _failureModeAllowed);
    internal void IncMessageTimeouts() => Interlocked.Increment(ref _messageTimeouts);
    internal void IncRejectedHeaderMutations() => Interlocked.Increment(ref _rejectedHeaderMutations);
    internal void IncOverrideMessageTimeoutReceived() => Interlocked.Increment(ref _overrideMessageTimeoutReceived);
    internal void IncOverrideMessageTimeoutIgnored() => Interlocked.Increment(ref _overrideMessageTimeoutIgnored);
    internal void IncClearRouteCacheIgnored() => Interlocked.Increment(ref _clearRouteCacheIgnored);
    internal void IncUpstreamCxTotal() => Interlocked.Increment(ref _upstreamCxTotal);
    internal void IncUpstreamRqPendingOverflow() => Interlocked.Increment(ref _upstreamRqPendingOverflow);
}

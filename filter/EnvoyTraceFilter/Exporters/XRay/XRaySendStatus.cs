namespace EnvoyTraceFilter.Exporters.XRay;

/// <summary>How one datagram send ended. Socket errors are values here, not exceptions: a dead daemon fails every other send.</summary>
internal enum XRaySendStatus
{
    Sent,

    /// <summary>The daemon's host name has not resolved yet (nothing was sent).</summary>
    NoAddress,

    /// <summary>The kernel reported ICMP port-unreachable for an earlier datagram: no daemon listens there.</summary>
    Refused,

    /// <summary>Any other socket error (e.g. a full send buffer, no route).</summary>
    SocketError,
}

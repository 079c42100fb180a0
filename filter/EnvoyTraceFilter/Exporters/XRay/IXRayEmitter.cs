namespace EnvoyTraceFilter.Exporters.XRay;

/// <summary>Where datagrams go. Called only from the exporter's sending loop, one call at a time.</summary>
internal interface IXRayEmitter : IDisposable
{
    /// <summary>For logs: the configured address and what it currently resolves to.</summary>
    string Describe();

    /// <summary>Resolves or reconnects when due; completes synchronously otherwise.</summary>
    ValueTask RefreshAsync(CancellationToken cancellationToken);

    /// <summary>Sends one datagram; socket errors come back as a status (and the error code), never as exceptions.</summary>
    XRaySendStatus Send(ReadOnlySpan<byte> datagram, out System.Net.Sockets.SocketError error);

    /// <summary>Told after a failed send, so a DNS-named daemon is re-resolved soon.</summary>
    void OnSendFailed();
}

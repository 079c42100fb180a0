namespace EnvoyEmulator;

/// <summary>
/// What Envoy's HTTP/1 codec and connection manager do before any filter runs
/// (ConnectionManagerUtility::mutateRequestHeaders; doc §1b "What Envoy puts in HttpHeaders").
/// </summary>
internal static class ConnectionManager
{
    // Hop-by-hop and proxy headers the HCM strips from every (non-upgrade) request.
    private static readonly string[] Stripped =
        ["connection", "upgrade", "keep-alive", "proxy-connection", "transfer-encoding", "x-envoy-internal"];

    // cleanInternalHeaders: stripped from all non-internal requests...
    private static readonly string[] ExternalStripped =
    [
        "x-envoy-retry-on", "x-envoy-retry-grpc-on", "x-envoy-max-retries", "x-envoy-upstream-alt-stat-name",
        "x-envoy-upstream-rq-timeout-ms", "x-envoy-upstream-rq-per-try-timeout-ms",
        "x-envoy-upstream-rq-timeout-alt-response", "x-envoy-expected-rq-timeout-ms", "x-envoy-force-trace",
        "x-envoy-ip-tags", "x-envoy-original-url", "x-envoy-hedge-on-per-try-timeout",
    ];

    // ...and additionally from edge requests.
    private static readonly string[] EdgeStripped =
        ["x-envoy-decorator-operation", "x-envoy-downstream-service-cluster", "x-envoy-downstream-service-node"];

    /// <summary>Null when the codec rejects the request (header limits ⇒ 431).</summary>
    public static PreparedRequest? Prepare(DownstreamRequest request, EmulatorOptions options)
    {
        if (request.Headers.Count > options.MaxRequestHeadersCount
            || request.Headers.ByteSize() > options.MaxRequestHeadersKb * 1024L)
        {
            return null;
        }

        var receivedAt = options.Clock();
        var authority = request.Authority ?? request.Headers.Get("host")
            ?? throw new ArgumentException("The request needs an Authority or a Host header.", nameof(request));

        var headers = new HeaderList
        {
            { ":authority", authority },
            { ":path", request.Path },
            { ":method", request.Method },
            { ":scheme", request.Scheme }, // finalised below from x-forwarded-proto
        };
        foreach (var (name, value) in request.Headers)
        {
            var lower = name.ToLowerInvariant();
            if (lower != "host" && !lower.StartsWith(':') && !Stripped.Contains(lower))
            {
                headers.Add(lower, value);
            }
        }

        var peer = request.PeerAddress;
        var trusted = peer.Address;
        var trustedPort = peer.Port;
        var incomingXff = headers.GetAll("x-forwarded-for");
        var singleXffAddress = incomingXff.Count == 0;
        var hops = options.XffNumTrustedHops;
        if (options.UseRemoteAddress)
        {
            var joined = string.Join(",", incomingXff);
            if (hops > 0 && !singleXffAddress && AddressRules.AddressFromXffRight(joined, hops - 1) is { } fromXff)
            {
                (trusted, trustedPort) = (fromXff, 0);
            }

            var appended = AddressRules.IsLoopback(peer.Address) ? options.EnvoyLocalAddress : peer.Address;
            var newXff = singleXffAddress
                ? AddressRules.AddressAsString(appended)
                : joined + "," + AddressRules.AddressAsString(appended);
            headers.Set("x-forwarded-for", newXff);
            if (hops == 0 || !headers.Contains("x-forwarded-proto"))
            {
                headers.Set("x-forwarded-proto", request.Scheme);
            }
        }
        else if (!singleXffAddress
            && AddressRules.AddressFromXffRight(string.Join(",", incomingXff), hops) is { } logged)
        {
            (trusted, trustedPort) = (logged, 0);
            singleXffAddress = incomingXff.Count == 1 && !incomingXff[0].Contains(',');
        }

        if (!headers.Contains("x-forwarded-proto"))
        {
            headers.Set("x-forwarded-proto", request.Scheme);
        }

        // HTTP/1: :scheme comes from the sanitised x-forwarded-proto (Envoy headers.rst ":scheme").
        var xfp = headers.Get("x-forwarded-proto");
        headers.Set(":scheme", xfp is "http" or "https" ? xfp : request.Scheme);

        var isInternal = singleXffAddress && AddressRules.IsInternal(trusted, options.EnvoyVersion);
        var isEdge = !isInternal && options.UseRemoteAddress;
        if (isInternal)
        {
            headers.Set("x-envoy-internal", "true");
        }
        else
        {
            foreach (var name in isEdge ? ExternalStripped.Concat(EdgeStripped) : ExternalStripped)
            {
                headers.Remove(name);
            }
        }

        if (isEdge)
        {
            headers.Set("x-envoy-external-address", AddressRules.AddressAsString(trusted));
        }

        if (isEdge || !headers.Contains("x-request-id"))
        {
            headers.Set("x-request-id", options.RequestIdGenerator());
        }

        return new PreparedRequest(headers, trusted, trustedPort, isEdge, receivedAt);
    }
}

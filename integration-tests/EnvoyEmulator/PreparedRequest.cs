using System.Net;

namespace EnvoyEmulator;

/// <summary>The request as the HCM hands it to the filter chain.</summary>
internal sealed record PreparedRequest(
    HeaderList Headers,
    IPAddress TrustedAddress,
    int TrustedPort,
    bool IsEdge,
    DateTimeOffset ReceivedAt);

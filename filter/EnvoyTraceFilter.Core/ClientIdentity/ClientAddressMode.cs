namespace EnvoyTraceFilter.Core.ClientIdentity;

/// <summary>How <see cref="ClientAddressResolver"/> reads X-Forwarded-For.</summary>
public enum ClientAddressMode : byte
{
    /// <summary>Right-to-left walk past our own proxies; a client-supplied entry never wins. The default.</summary>
    Trusted = 0,

    /// <summary>
    /// The X-Ray SDK for Python (flask/django middleware): the whole raw header value becomes <c>client_ip</c>.
    /// Forgeable by any client; only for users who must get data identical to the SDK.
    /// </summary>
    XRay = 1,
}

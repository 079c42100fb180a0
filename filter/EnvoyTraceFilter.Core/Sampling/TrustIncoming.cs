namespace EnvoyTraceFilter.Core.Sampling;

/// <summary>How far an incoming sampling decision (from the client or an upstream hop) is trusted.</summary>
public enum TrustIncoming
{
    /// <summary>Respect any incoming decision, including B3 debug. Right when every caller is your own infrastructure.</summary>
    Always = 0,

    /// <summary>
    /// Ignore every incoming decision and decide locally. For edges that face the internet: a client that sends
    /// <c>x-b3-sampled: 1</c> or <c>Sampled=1</c> on every request can multiply tracing cost (W3C Trace Context,
    /// "Security considerations").
    /// </summary>
    Never = 1,

    /// <summary>
    /// Honour an incoming "not sampled"; treat "sampled" and debug as if absent and decide locally. A client can then
    /// only lower cost, never raise it. Trade-offs: a client can hide its own requests from tracing (don't use where
    /// traces are an audit trail), and a trace an upstream hop did sample may lose its lower part here.
    /// </summary>
    DenyOnly = 2,
}

namespace EnvoyTraceFilter.Core.Naming;

/// <summary>Where a service name came from.</summary>
public enum ServiceNameSource : byte
{
    /// <summary>The fixed name of the first matching rule.</summary>
    Rule = 0,

    /// <summary>The request's host, from the first matching rule without a fixed name.</summary>
    Host,

    /// <summary>The fallback name (<c>AWS_XRAY_TRACING_NAME</c> when set); see the reason.</summary>
    Fallback,
}

namespace EnvoyTraceFilter.Core.XRay;

/// <summary>
/// What to do with a span whose trace id does not carry a recent epoch second in its first 32 bits
/// (typical of W3C or Google-origin ids), which the X-Ray daemon path has historically dropped.
/// </summary>
public enum XRayTraceIdPolicy
{
    /// <summary>
    /// Default. Do not send such segments; count them (result=dropped_incompatible_id) and log rate-limited,
    /// so nothing is silently lost downstream. Ids this filter mints are always compatible.
    /// </summary>
    Drop = 0,

    /// <summary>
    /// Send every id as is. For pipelines that accept W3C ids (CloudWatch agent ≥ 1.300030.0,
    /// ADOT collector ≥ 0.34.0); the same choice as the collector's skip-timestamp-validation gate.
    /// </summary>
    Passthrough = 1,
}

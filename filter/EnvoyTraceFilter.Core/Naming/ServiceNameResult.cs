namespace EnvoyTraceFilter.Core.Naming;

/// <summary>The service name of one request.</summary>
/// <param name="Name">X-Ray segment name: never empty, already sanitised (<see cref="ServiceNames.Sanitize"/>).</param>
/// <param name="Source">Where the name came from.</param>
/// <param name="Reason">Why the fallback was used; <see cref="ServiceNameFallbackReason.None"/> unless <paramref name="Source"/> is Fallback.</param>
public readonly record struct ServiceNameResult(
    string Name,
    ServiceNameSource Source,
    ServiceNameFallbackReason Reason);

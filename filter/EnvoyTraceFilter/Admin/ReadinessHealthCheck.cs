using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EnvoyTraceFilter.Admin;

/// <summary>
/// Backs grpc.health.v1 on the ext_proc port: NOT_SERVING while draining, so Envoy's active health check moves
/// new streams away at the same moment /readyz turns 503.
/// </summary>
internal sealed class ReadinessHealthCheck(Readiness readiness) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(readiness.IsDraining ? HealthCheckResult.Unhealthy("draining") : HealthCheckResult.Healthy());
}

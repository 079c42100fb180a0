using DotNet.Testcontainers.Configurations;

namespace EnvoyTraceFilter.ContainerTests;

/// <summary>
/// A theory that runs only where Testcontainers finds a Docker engine. Otherwise it is skipped as a whole: xunit
/// reports a skipped theory as one test, without enumerating its data. The reason is also its display name, because
/// `dotnet test` at its default verbosity prints the name of a skipped test but not the reason.
/// </summary>
public sealed class DockerTheoryAttribute : TheoryAttribute
{
    public DockerTheoryAttribute()
    {
        if (DockerEngine.SkipReason is { } reason)
        {
            Skip = reason;
            DisplayName = $"Container tests skipped: {reason}";
        }
    }
}

/// <summary>Whether a Docker engine is reachable, decided once per test run.</summary>
public static class DockerEngine
{
    private static readonly Lazy<string?> Reason = new(() =>
        // Testcontainers' own discovery (DOCKER_HOST, ~/.testcontainers.properties, the default, Docker Desktop and
        // rootless sockets), each endpoint pinged once: no image pulls, and a missing socket fails at once.
        TestcontainersSettings.OS.DockerEndpointAuthConfig is null
            ? "no Docker engine reachable (Testcontainers tried DOCKER_HOST, ~/.testcontainers.properties, " +
              "/var/run/docker.sock, Docker Desktop and rootless sockets)"
            : null);

    /// <summary>Null when an engine answered; otherwise the one line saying why the container tests are skipped.</summary>
    public static string? SkipReason => Reason.Value;
}

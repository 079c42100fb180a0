namespace EnvoyTraceFilter.IntegrationTests.Infrastructure;

/// <summary>Every awaited test operation is bounded, so a broken build fails instead of hanging CI.</summary>
internal static class TaskTimeouts
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(15);

    public static Task<T> DefaultTimeout<T>(this Task<T> task) => task.WaitAsync(Default);

    public static Task DefaultTimeout(this Task task) => task.WaitAsync(Default);
}

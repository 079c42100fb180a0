namespace EnvoyEmulator.Tests.Infrastructure;

/// <summary>Every awaited test operation is bounded so that no test can hang.</summary>
public static class Bounded
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(Limit);

    public static Task Within(this Task task) => task.WaitAsync(Limit);
}

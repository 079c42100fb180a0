namespace EnvoyTraceFilter.ContainerTests;

/// <summary>A bounded wait on an HTTP API: probe until it yields a value, or fail naming what never came.</summary>
public static class Poll
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, string what)
        where T : struct
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what}: not there after {Timeout.TotalSeconds:0} s");
            }

            // The spans travel through the exporters' batches to another process: there is no event to wait on.
            await Task.Delay(Interval);
        }
    }
}

using EnvoyTraceFilter.Configuration;

namespace EnvoyTraceFilter.IntegrationTests.Infrastructure;

internal static class ReloadEvents
{
    /// <summary>Completes at the next reload with the given outcome (a file watcher may report one write twice).</summary>
    public static Task NextAsync(FilterSnapshotProvider snapshots, bool applied)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Handler(bool outcome)
        {
            if (outcome == applied)
            {
                snapshots.Reloaded -= Handler;
                done.TrySetResult();
            }
        }

        snapshots.Reloaded += Handler;
        return done.Task.DefaultTimeout();
    }
}

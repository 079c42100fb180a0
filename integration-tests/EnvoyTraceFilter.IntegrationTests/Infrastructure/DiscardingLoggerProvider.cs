using Microsoft.Extensions.Logging;

namespace EnvoyTraceFilter.IntegrationTests.Infrastructure;

/// <summary>
/// A logger that is enabled from Information up, as the filter's console logger is in production, but writes
/// nothing. Enabled logging changes what ASP.NET Core does per request (its hosting Activity and log scope),
/// so tests must not run with logging switched off entirely.
/// </summary>
public sealed class DiscardingLoggerProvider : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => DiscardingLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class DiscardingLogger : ILogger
    {
        public static readonly DiscardingLogger Instance = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }
    }
}

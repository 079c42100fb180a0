namespace EnvoyTraceFilter.Hosting;

/// <summary>What Program runs: build the host from the binary's directory, start it, drain on SIGTERM.</summary>
public static class TraceFilterProgram
{
    public static async Task<int> RunAsync(string[] args)
    {
        // appsettings.json is read from the binary's directory, whatever the working directory is: started from
        // elsewhere (a container's WORKDIR, systemd, a shell) the filter must not silently run on defaults.
        WebApplicationBuilder builder;
        try
        {
            builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        }
        catch (InvalidDataException e)
        {
            // appsettings.json (or appsettings.{Environment}.json) is not valid JSON.
            return await FailAsync(Configuration.LastGoodJsonConfigurationProvider.Describe(null, e)).ConfigureAwait(false);
        }

        var configFile = ConfigFile.Add(builder.Configuration, Environment.GetEnvironmentVariable(ConfigFile.Variable), out var error);
        if (error is not null)
        {
            return await FailAsync(error).ConfigureAwait(false);
        }

        builder.AddTraceFilter();
        WebApplication app;
        try
        {
            // Building binds the listener settings: a value of the wrong type (a Port that is not a number) fails here.
            app = builder.Build();
        }
        catch (Exception e) when (TraceFilterHostingExtensions.ConfigurationFailures(e) is { Count: > 0 } failures)
        {
            return await FailAsync([.. failures.Select(f => ConfigFile.WithSource(f, builder.Configuration))]).ConfigureAwait(false);
        }

        await using var _ = app;
        app.MapTraceFilter();
        if (configFile is not null)
        {
            HostingLog.ConfigFile(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TraceFilterProgram).FullName!), configFile);
        }

        return await app.RunTraceFilterAsync().ConfigureAwait(false);
    }

    private static async Task<int> FailAsync(params string[] failures)
    {
        await Console.Error.WriteLineAsync("EnvoyTraceFilter: invalid configuration:").ConfigureAwait(false);
        foreach (var failure in failures)
        {
            await Console.Error.WriteLineAsync("  " + failure).ConfigureAwait(false);
        }

        return 2;
    }
}

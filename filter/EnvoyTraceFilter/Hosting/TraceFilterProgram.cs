namespace EnvoyTraceFilter.Hosting;

/// <summary>What Program runs: build the host from the binary's directory, start it, drain on SIGTERM.</summary>
public static class TraceFilterProgram
{
    public static async Task<int> RunAsync(string[] args)
    {
        // appsettings.json is read from the binary's directory, whatever the working directory is: started from
        // elsewhere (a container's WORKDIR, systemd, a shell) the filter must not silently run on defaults.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var configFile = ConfigFile.Add(builder.Configuration, Environment.GetEnvironmentVariable(ConfigFile.Variable), out var error);
        if (error is not null)
        {
            await Console.Error.WriteLineAsync("EnvoyTraceFilter: invalid configuration:\n  " + error).ConfigureAwait(false);
            return 2;
        }

        builder.AddTraceFilter();
        await using var app = builder.Build();
        app.MapTraceFilter();
        if (configFile is not null)
        {
            HostingLog.ConfigFile(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TraceFilterProgram).FullName!), configFile);
        }

        return await app.RunTraceFilterAsync().ConfigureAwait(false);
    }
}

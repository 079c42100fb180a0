using EnvoyTraceFilter.Hosting;

return await TraceFilterProgram.RunAsync(args);

/// <summary>Entry point; public so WebApplicationFactory-based tests can start the real host.</summary>
public partial class Program;

using EnvoyTraceFilter.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddTraceFilter();
var app = builder.Build();
app.MapTraceFilter();
return await app.RunTraceFilterAsync();

/// <summary>Entry point; public so WebApplicationFactory-based tests can start the real host.</summary>
public partial class Program;

global using UpstreamHandler = System.Func<
    EnvoyEmulator.UpstreamRequest, System.Threading.CancellationToken,
    System.Threading.Tasks.Task<EnvoyEmulator.UpstreamResponse>>;

using Envoy.Service.ExtProc.V3;

namespace EnvoyEmulator;

/// <summary>Opens the ext_proc stream of one HTTP request on a transport.</summary>
internal interface ISideStreamFactory
{
    /// <summary>A new stream; nothing is written until its first message.</summary>
    SideStream Open();
}

/// <summary>Streams over Grpc.Net.Client (see <see cref="GrpcClientSideStream"/> for what it does not model).</summary>
internal sealed class GrpcClientSideStreamFactory(ExternalProcessor.ExternalProcessorClient client, EmulatorOptions options)
    : ISideStreamFactory
{
    public SideStream Open() => GrpcClientSideStream.Open(client, options);
}

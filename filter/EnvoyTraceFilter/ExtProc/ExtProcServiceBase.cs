using Envoy.Service.ExtProc.V3;
using Grpc.Core;

namespace EnvoyTraceFilter.ExtProc;

/// <summary>
/// Binds <see cref="ExtProcMethod.Process"/> for Grpc.AspNetCore, in place of the generated ExternalProcessorBase,
/// so the answers go through the filter's own marshaller. Grpc.AspNetCore looks the handler up by name and wants it
/// to override a virtual method of the type named here.
/// </summary>
[BindServiceMethod(typeof(ExtProcServiceBase), nameof(BindService))]
internal abstract class ExtProcServiceBase
{
    public abstract Task Process(IAsyncStreamReader<ProcessingRequest> requestStream, IServerStreamWriter<ExtProcAnswer> responseStream,
        ServerCallContext context);

    public static void BindService(ServiceBinderBase binder, ExtProcServiceBase? service) =>
        binder.AddMethod(ExtProcMethod.Process, service is null ? null! : service.Process);
}

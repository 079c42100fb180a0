using Grpc.Core;

namespace EnvoyTraceFilter.ExtProc;

/// <summary>Ends only the offending stream, with a gRPC status saying what was wrong.</summary>
internal static class ProtocolViolation
{
    public static RpcException Create(string kind, string detail) =>
        new(new Status(StatusCode.InvalidArgument, detail), kind);
}

using Envoy.Service.ExtProc.V3;
using Grpc.Core;

namespace EnvoyTraceFilter.ExtProc;

/// <summary>
/// The ext_proc method as the server binds it: requests parsed by Google.Protobuf as generated, answers written by
/// <see cref="ExtProcAnswer"/> itself. Same name and wire format as the generated ExternalProcessor service.
/// </summary>
internal static class ExtProcMethod
{
    public const string ServiceName = "envoy.service.ext_proc.v3.ExternalProcessor";

    public static Method<ProcessingRequest, ExtProcAnswer> Process { get; } = new(
        MethodType.DuplexStreaming,
        ServiceName,
        "Process",
        Marshallers.Create(SerializeRequest, DeserializeRequest),
        Marshallers.Create(SerializeAnswer, DeserializeAnswer));

    /// <summary>The answer's bytes, written once into gRPC's own buffer (no intermediate copy).</summary>
    public static void SerializeAnswer(ExtProcAnswer answer, SerializationContext context)
    {
        var size = answer.CalculateSize();
        context.SetPayloadLength(size);
        var writer = context.GetBufferWriter();
        var written = answer.WriteTo(writer.GetSpan(size));
        writer.Advance(written);
        context.Complete();
    }

    /// <summary>The answer's bytes as an array (tests, diagnostics).</summary>
    public static byte[] ToBytes(ExtProcAnswer answer)
    {
        var bytes = new byte[answer.CalculateSize()];
        var written = answer.WriteTo(bytes);
        return written == bytes.Length ? bytes : throw new InvalidOperationException($"Answer wrote {written} bytes, sized {bytes.Length}.");
    }

    private static ProcessingRequest DeserializeRequest(DeserializationContext context) =>
        ProcessingRequest.Parser.ParseFrom(context.PayloadAsReadOnlySequence());

    // Only a client would need these two; the server never sends requests or reads answers.
    private static void SerializeRequest(ProcessingRequest request, SerializationContext context) =>
        throw new NotSupportedException("The filter never sends a ProcessingRequest.");

    private static ExtProcAnswer DeserializeAnswer(DeserializationContext context) =>
        throw new NotSupportedException("The filter never reads a ProcessingResponse.");
}

using Envoy.Service.ExtProc.V3;
using EnvoyTraceFilter.ExtProc;
using Google.Protobuf;

namespace EnvoyTraceFilter.Tests.ExtProc;

/// <summary>
/// Tests read answers as Google.Protobuf messages. Every answer read this way is also checked byte for byte: the
/// filter's own wire form must equal what Google.Protobuf writes for the same message.
/// </summary>
internal static class ProcessingStreamAnswers
{
    public static ProcessingResponse Handle(this ProcessingStream stream, ProcessingRequest request)
    {
        var answer = stream.Answer(request);
        var message = answer.ToMessage();
        Assert.Equal(Convert.ToHexString(message.ToByteArray()), Convert.ToHexString(ExtProcMethod.ToBytes(answer)));
        Assert.Equal(message, ProcessingResponse.Parser.ParseFrom(ExtProcMethod.ToBytes(answer)));
        return message;
    }
}

using Envoy.Service.ExtProc.V3;
using Arm = Envoy.Service.ExtProc.V3.ProcessingResponse.ResponseOneofCase;

namespace EnvoyTraceFilter.ExtProc;

/// <summary>
/// The answer to one ProcessingRequest, as the filter sends it: the arm matching the message, an optional
/// CommonResponse and an optional header mutation. It writes its protobuf bytes itself (<see cref="ExtProcMethod"/>'s
/// marshaller): building the Google.Protobuf graph for six headers cost about 1 KB and a third of the filter's CPU
/// over a null server. <see cref="ToMessage"/> gives the same answer as a message; tests compare the two byte for byte.
/// Answers without a mutation are shared.
/// </summary>
internal sealed class ExtProcAnswer
{
    // HeadersResponse.response = 1, CommonResponse.header_mutation = 2; the arm's field number is its oneof case.
    private const int ResponseField = 1;
    private const int HeaderMutationField = 2;

    private readonly Arm _arm;
    private readonly bool _common;
    private readonly HeaderMutationPlan? _mutation;

    // Sized once: the marshaller asks for the size, then writes, and both need it.
    private readonly int _mutationSize;

    private ExtProcAnswer(Arm arm, bool common, HeaderMutationPlan? mutation) =>
        (_arm, _common, _mutation, _mutationSize) = (arm, common, mutation, mutation?.Size() ?? 0);

    /// <summary>request_headers answered with nothing to change (an empty HeadersResponse).</summary>
    public static ExtProcAnswer RequestHeadersUnchanged { get; } = new(Arm.RequestHeaders, false, null);

    /// <summary>request_headers answered with an empty CommonResponse (CONTINUE, no mutation).</summary>
    public static ExtProcAnswer RequestHeadersContinue { get; } = new(Arm.RequestHeaders, true, null);

    public static ExtProcAnswer ResponseHeadersUnchanged { get; } = new(Arm.ResponseHeaders, false, null);

    public static ExtProcAnswer RequestBody { get; } = new(Arm.RequestBody, false, null);

    public static ExtProcAnswer ResponseBody { get; } = new(Arm.ResponseBody, false, null);

    public static ExtProcAnswer RequestTrailers { get; } = new(Arm.RequestTrailers, false, null);

    public static ExtProcAnswer ResponseTrailers { get; } = new(Arm.ResponseTrailers, false, null);

    /// <summary>A headers answer whose CommonResponse carries <paramref name="mutation"/>.</summary>
    public static ExtProcAnswer Mutating(bool requestPhase, HeaderMutationPlan mutation) =>
        new(requestPhase ? Arm.RequestHeaders : Arm.ResponseHeaders, true, mutation);

    public Arm Arm => _arm;

    public int CalculateSize() => ProtoWire.FieldSize(ArmContentSize(out _));

    /// <summary>Writes the ProcessingResponse; <paramref name="destination"/> holds at least <see cref="CalculateSize"/> bytes.</summary>
    public int WriteTo(Span<byte> destination)
    {
        var wire = new ProtoWire(destination);
        wire.FieldHeader((int)_arm, ArmContentSize(out var common));
        if (_common)
        {
            wire.FieldHeader(ResponseField, common);
            if (_mutation is { } plan)
            {
                wire.FieldHeader(HeaderMutationField, _mutationSize);
                plan.Write(ref wire);
            }
        }

        return wire.Position;
    }

    /// <summary>The same answer as a Google.Protobuf message.</summary>
    public ProcessingResponse ToMessage()
    {
        var common = _common ? new CommonResponse { HeaderMutation = _mutation?.ToMessage() } : null;
        return _arm switch
        {
            Arm.RequestHeaders => new ProcessingResponse { RequestHeaders = new HeadersResponse { Response = common } },
            Arm.ResponseHeaders => new ProcessingResponse { ResponseHeaders = new HeadersResponse { Response = common } },
            Arm.RequestBody => new ProcessingResponse { RequestBody = new BodyResponse() },
            Arm.ResponseBody => new ProcessingResponse { ResponseBody = new BodyResponse() },
            Arm.RequestTrailers => new ProcessingResponse { RequestTrailers = new TrailersResponse() },
            Arm.ResponseTrailers => new ProcessingResponse { ResponseTrailers = new TrailersResponse() },
            _ => throw new InvalidOperationException($"No answer arm {_arm}."),
        };
    }

    // Sizes from the inside out: HeaderMutation content, then CommonResponse content, then the arm's message content.
    private int ArmContentSize(out int common)
    {
        common = _mutation is null ? 0 : ProtoWire.FieldSize(_mutationSize);
        return _common ? ProtoWire.FieldSize(common) : 0;
    }
}

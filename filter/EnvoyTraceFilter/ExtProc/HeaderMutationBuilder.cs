using Envoy.Config.Core.V3;
using Envoy.Service.ExtProc.V3;
using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.Telemetry;
using Google.Protobuf;

namespace EnvoyTraceFilter.ExtProc;

/// <summary>
/// Turns header edits into Envoy's HeaderMutation: lower-case names, values in raw_value only (a value-only
/// entry becomes an empty header in Envoy ≥1.27), append unset (Envoy then overwrites; append_action is ignored).
/// Every mutation passes <see cref="HeaderBudget"/> first, against the limits of the map it applies to, so Envoy
/// never answers it with a 500; what it drops is counted.
/// </summary>
internal static class HeaderMutationBuilder
{
    public const string RequestPhase = "request_headers";
    public const string ResponsePhase = "response_headers";

    private static readonly string B3 = KnownHeaders.Name(KnownHeader.B3);

    /// <param name="edits">What the filter wants to write.</param>
    /// <param name="request">The request_headers or response_headers message being answered.</param>
    /// <param name="limits">Envoy's limits on that message's header map.</param>
    /// <param name="metrics">Counts dropped outputs and withheld mutations.</param>
    public static HeaderMutation? Build(HeaderEdits edits, ProcessingRequest request, HeaderLimits limits, FilterMetrics metrics)
    {
        if (edits.IsEmpty)
        {
            return null;
        }

        var response = request.RequestCase == ProcessingRequest.RequestOneofCase.ResponseHeaders;
        var map = response ? request.ResponseHeaders?.Headers : request.RequestHeaders?.Headers;
        var phase = response ? ResponsePhase : RequestPhase;
        var budget = HeaderBudget.Fit(edits, new ProtoHeaderMapSize(map, HeaderMapFigures.Read(request, response)), limits);
        CountDrops(budget, metrics, phase);
        if (budget.Withheld)
        {
            metrics.MutationWithheld(phase);
            return null;
        }

        var mutation = new HeaderMutation();
        if (budget.RemoveStaleB3)
        {
            mutation.RemoveHeaders.Add(B3);
        }

        for (var i = 0; i < edits.RemoveCount; i++)
        {
            if (budget.Keeps(OutputGroups.Of(edits.Removed(i))))
            {
                mutation.RemoveHeaders.Add(edits.Removed(i));
            }
        }

        for (var i = 0; i < edits.SetCount; i++)
        {
            if (!budget.Keeps(OutputGroups.Of(edits.SetName(i))))
            {
                continue;
            }

            mutation.SetHeaders.Add(new HeaderValueOption
            {
                Header = new HeaderValue
                {
                    Key = edits.SetName(i),
                    // The edits own their buffer and outlive the write, so wrapping without a copy is safe.
                    RawValue = UnsafeByteOperations.UnsafeWrap(edits.SetValue(i)),
                },
            });
        }

        return mutation;
    }

    private static void CountDrops(in HeaderBudgetResult budget, FilterMetrics metrics, string phase)
    {
        for (var group = OutputGroup.B3Single; group <= OutputGroup.B3Multi; group++)
        {
            if (budget.DroppedInvalid(group))
            {
                metrics.OutputDropped(group, invalidValue: true, phase);
            }
            else if (budget.DroppedForLimit(group))
            {
                metrics.OutputDropped(group, invalidValue: false, phase);
            }
        }
    }
}

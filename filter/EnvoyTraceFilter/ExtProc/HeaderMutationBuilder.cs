using Envoy.Service.ExtProc.V3;
using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.Telemetry;

namespace EnvoyTraceFilter.ExtProc;

/// <summary>
/// Decides the header mutation of one answer (<see cref="HeaderMutationPlan"/>): every mutation passes
/// <see cref="HeaderBudget"/> first, against the limits of the map it applies to, so Envoy never answers it with a
/// 500; what it drops is counted.
/// </summary>
internal static class HeaderMutationBuilder
{
    public const string RequestPhase = "request_headers";
    public const string ResponsePhase = "response_headers";

    /// <param name="edits">What the filter wants to write.</param>
    /// <param name="request">The request_headers or response_headers message being answered.</param>
    /// <param name="limits">Envoy's limits on that message's header map.</param>
    /// <param name="metrics">Counts dropped outputs and withheld mutations.</param>
    public static HeaderMutationPlan? Build(HeaderEdits edits, ProcessingRequest request, HeaderLimits limits, FilterMetrics metrics)
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

        return new HeaderMutationPlan(edits, budget);
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

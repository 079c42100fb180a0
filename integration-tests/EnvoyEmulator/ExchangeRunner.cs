using System.Diagnostics;
using System.Globalization;
using System.Text;
using Envoy.Service.ExtProc.V3;
using Case = Envoy.Service.ExtProc.V3.ProcessingResponse.ResponseOneofCase;

namespace EnvoyEmulator;

/// <summary>One HTTP request through HCM → ext_proc → router → app and back (doc §3 checklist 1–5).</summary>
internal sealed class ExchangeRunner(ISideStreamFactory transport, EmulatorOptions options, EmulatorStats stats)
{
    private readonly ExtProcFilter _filter = new(transport, options, stats);
    private readonly HeaderMutator _mutator = new(options, stats);
    private readonly EnvoyVersion _version = options.EnvoyVersion;
    private bool _routeCacheCleared;

    public async Task<EmulatedExchange> RunAsync(DownstreamRequest request, UpstreamHandler upstream)
    {
        if (ConnectionManager.Prepare(request, options) is not { } prepared)
        {
            // The HTTP/1 codec rejects the request before any filter runs.
            var tooMany = request.Headers.Count > options.MaxRequestHeadersCount;
            var reply = new LocalReply(431, "", tooMany ? "http1.too_many_headers" : "http1.headers_too_large");
            return await FinishAsync(null, HttpViews.Downstream(reply.Headers(), "", reply.Details)).ConfigureAwait(false);
        }

        var headers = prepared.Headers;
        string? replacedBody = null;
        if (ProtoHeaders.Sends(_filter.Mode.RequestHeaderMode))
        {
            var message = new ProcessingRequest { RequestHeaders = ProtoHeaders.ToHttpHeaders(options.ForwardRules.Apply(headers), !request.HasBody) };
            if (_version.AtLeast(30) && options.RequestAttributes.Count > 0)
            {
                message.Attributes[AttributeBuilder.Key] =
                    AttributeBuilder.ForRequest(options.RequestAttributes, prepared, request, options);
            }

            var result = await _filter.ExchangeAsync(message, Case.RequestHeaders).ConfigureAwait(false);
            if (await AnswerAsync(result, headers, isRequest: true, options.RequestHeaderLimits).ConfigureAwait(false) is { } failure)
            {
                return await FinishAsync(null, LocalDownstream(failure)).ConfigureAwait(false);
            }

            replacedBody = ReplacedBody(result);
            await CloseIfLastAsync(requestPhase: true).ConfigureAwait(false);
        }

        var upstreamRequest = HttpViews.Upstream(headers, replacedBody, options);
        var watch = Stopwatch.StartNew();
        var (response, early) = await new UpstreamCall(_filter).RunAsync(upstreamRequest, upstream).ConfigureAwait(false);
        if (early is not null)
        {
            return await FinishAsync(upstreamRequest, LocalDownstream(early)).ConfigureAwait(false);
        }

        HeaderList responseHeaders;
        string body, details;
        var isLocal = response!.IsReset;
        if (isLocal)
        {
            var reset = LocalReply.UpstreamReset(response.ResetReason!);
            (responseHeaders, body, details) = (reset.Headers(), reset.Body, reset.Details);
        }
        else
        {
            responseHeaders = new HeaderList { { ":status", response.Status.ToString(CultureInfo.InvariantCulture) } };
            foreach (var (name, value) in response.Headers)
            {
                responseHeaders.Add(name.ToLowerInvariant(), value);
            }

            responseHeaders.Set("x-envoy-upstream-service-time",
                watch.ElapsedMilliseconds.ToString(CultureInfo.InvariantCulture));
            (body, details) = (response.Body, "via_upstream");
        }

        // Local replies reach ext_proc up to 1.33.0 and again from 1.37 (doc §1b "Local replies").
        var sendsLocal = !_version.AtLeast(33, 1) || _version.AtLeast(37);
        if (!_filter.ProcessingComplete && ProtoHeaders.Sends(_filter.Mode.ResponseHeaderMode) && (!isLocal || sendsLocal))
        {
            var endOfStream = isLocal ? body.Length == 0 : !response.HasBody(upstreamRequest.Method);
            var message = new ProcessingRequest { ResponseHeaders = ProtoHeaders.ToHttpHeaders(options.ForwardRules.Apply(responseHeaders), endOfStream) };
            if (_version.AtLeast(30) && options.ResponseAttributes.Count > 0)
            {
                var status = int.Parse(responseHeaders.Get(":status")!, CultureInfo.InvariantCulture);
                message.Attributes[AttributeBuilder.Key] =
                    AttributeBuilder.ForResponse(options.ResponseAttributes, status, details, responseHeaders, options);
            }

            var result = await _filter.ExchangeAsync(message, Case.ResponseHeaders).ConfigureAwait(false);
            var limits = isLocal ? HeaderLimits.None : options.ResponseHeaderLimits;
            if (await AnswerAsync(result, responseHeaders, isRequest: false, limits).ConfigureAwait(false) is { } failure)
            {
                return await FinishAsync(upstreamRequest, LocalDownstream(failure)).ConfigureAwait(false);
            }

            body = ReplacedBody(result) ?? body;
            await CloseIfLastAsync(requestPhase: false).ConfigureAwait(false);
        }

        var downstream = HttpViews.Downstream(responseHeaders, body, details);
        if (!isLocal && await SendBodyAsync(response.BodySent).ConfigureAwait(false) is { } late)
        {
            // The response has started: Envoy cannot send the local reply any more and resets the client's stream.
            downstream = new DownstreamResponse
            {
                Status = downstream.Status, Headers = downstream.Headers, Body = downstream.Body,
                Details = late.Details, ResetAfterHeaders = true,
            };
        }

        return await FinishAsync(upstreamRequest, downstream).ConfigureAwait(false);
    }

    /// <summary>
    /// The response body goes out (<paramref name="bodySent"/>). Up to 1.36 the ext_proc stream is still open
    /// meanwhile (it closes when the HTTP request ends), so whatever the server sends now is handled: messages are
    /// spurious, errors are gRPC errors. Returns the local reply such an event called for, if any.
    /// </summary>
    private async Task<LocalReply?> SendBodyAsync(Task? bodySent)
    {
        if (bodySent is null)
        {
            return null;
        }

        // Like an event loop: what already arrived is handled before the body's end is.
        while (_filter.ActiveStream is { } stream)
        {
            if (stream.Poll() is { } next)
            {
                if ((await _filter.HandleLateEventAsync(next).ConfigureAwait(false)).Reply is { } reply)
                {
                    await bodySent.ConfigureAwait(false);
                    return reply;
                }

                continue;
            }

            if (bodySent.IsCompleted)
            {
                break;
            }

            using var stopWaiting = new CancellationTokenSource();
            var eventTask = stream.WhenEventAsync(stopWaiting.Token);
            if (await Task.WhenAny(eventTask, bodySent).ConfigureAwait(false) == bodySent)
            {
                await stopWaiting.CancelAsync().ConfigureAwait(false);
                await eventTask.ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }
        }

        await bodySent.ConfigureAwait(false);
        return null;
    }

    /// <summary>Applies an expected answer; returns the local reply to send instead, if any.</summary>
    private async Task<LocalReply?> AnswerAsync(FilterResult result, HeaderList headers, bool isRequest, HeaderLimits limits)
    {
        if (result.Kind == FilterResultKind.LocalReply)
        {
            return result.Reply;
        }

        if (result.Kind != FilterResultKind.Answered)
        {
            return null;
        }

        var common = isRequest ? result.Answer!.RequestHeaders.Response : result.Answer!.ResponseHeaders.Response;
        if (common is null)
        {
            return null;
        }

        var replacing = common.Status == CommonResponse.Types.ResponseStatus.ContinueAndReplace;
        if (common.HeaderMutation is { } mutation && _mutator.Apply(mutation, headers, replacing, limits) is { } error)
        {
            return await _filter.FailAsync(error).ConfigureAwait(false);
        }

        if (replacing && common.BodyMutation is not null)
        {
            headers.Remove("content-length");
        }

        if (common.ClearRouteCache)
        {
            // Honoured only on the request path and only together with a header mutation.
            if (isRequest && common.HeaderMutation is not null)
            {
                _routeCacheCleared = true;
            }
            else
            {
                stats.IncClearRouteCacheIgnored();
            }
        }

        return null;
    }

    private static string? ReplacedBody(FilterResult result)
    {
        var common = result.Answer?.RequestHeaders?.Response ?? result.Answer?.ResponseHeaders?.Response;
        if (common?.Status != CommonResponse.Types.ResponseStatus.ContinueAndReplace || common.BodyMutation is null)
        {
            return null;
        }

        return common.BodyMutation.MutationCase == BodyMutation.MutationOneofCase.Body
            ? Encoding.UTF8.GetString(common.BodyMutation.Body.Span)
            : "";
    }

    /// <summary>1.37+ closes right after the last expected answer (doc §1b "Stream lifecycle" 5).</summary>
    private async Task CloseIfLastAsync(bool requestPhase)
    {
        if (_version.AtLeast(37) && (!requestPhase || !ProtoHeaders.Sends(_filter.Mode.ResponseHeaderMode)))
        {
            await _filter.CloseAsync().ConfigureAwait(false);
        }
    }

    private async Task<EmulatedExchange> FinishAsync(UpstreamRequest? upstream, DownstreamResponse downstream)
    {
        // Up to 1.36 the stream is closed when the HTTP stream is destroyed, i.e. now (after the body went out).
        await _filter.CloseAsync().ConfigureAwait(false);
        var outcome = _filter.Outcome ?? (_filter.MessageSent ? ExchangeOutcome.Processed : ExchangeOutcome.NotProcessed);
        return new EmulatedExchange
        {
            Upstream = upstream,
            Downstream = downstream,
            Outcome = outcome,
            Messages = _filter.Messages.ToList(),
            ServerStatus = _filter.ServerStatus,
            RouteCacheCleared = _routeCacheCleared,
        };
    }

    private DownstreamResponse LocalDownstream(LocalReply reply)
    {
        var headers = reply.Headers();
        if (reply.Mutation is not null)
        {
            // immediate_response headers pass the filter's mutation rules; failures are only logged.
            _ = _mutator.Apply(reply.Mutation, headers, replacingMessage: false, HeaderLimits.None);
        }

        return HttpViews.Downstream(headers, reply.Body, reply.Details);
    }
}

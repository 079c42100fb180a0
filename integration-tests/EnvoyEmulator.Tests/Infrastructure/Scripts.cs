using Envoy.Service.ExtProc.V3;

namespace EnvoyEmulator.Tests.Infrastructure;

/// <summary>Reusable fake-server behaviours.</summary>
public static class Scripts
{
    /// <summary>Answers every message with an empty CONTINUE in the matching arm, until the client ends.</summary>
    public static Task ContinueAll(ServerCall call) => Answer(Responses.Continue)(call);

    /// <summary>Answers each message with <paramref name="answer"/> (null = no answer), until the client ends.</summary>
    public static Func<ServerCall, Task> Answer(Func<ProcessingRequest, ProcessingResponse?> answer) => async call =>
    {
        while (await call.ReadAsync() is { } request)
        {
            if (answer(request) is { } response)
            {
                await call.WriteAsync(response);
            }
        }
    };

    /// <summary>Answers with a fixed list of messages after the first request, then waits for the client's end.</summary>
    public static Func<ServerCall, Task> AfterFirst(params ProcessingResponse[] responses) => async call =>
    {
        if (await call.ReadAsync() is null)
        {
            return;
        }

        foreach (var response in responses)
        {
            await call.WriteAsync(response);
        }

        while (await call.ReadAsync() is not null)
        {
        }
    };

    /// <summary>Reads messages but never answers; ends when the client ends the call.</summary>
    public static async Task NeverAnswer(ServerCall call)
    {
        while (await call.ReadAsync() is not null)
        {
        }
    }

    /// <summary>Answers CONTINUE and returns (OK trailers) right after the response_headers answer.</summary>
    public static async Task ContinueThenFinishEarly(ServerCall call)
    {
        while (await call.ReadAsync() is { } request)
        {
            await call.WriteAsync(Responses.Continue(request));
            if (request.RequestCase == ProcessingRequest.RequestOneofCase.ResponseHeaders)
            {
                return;
            }
        }
    }
}

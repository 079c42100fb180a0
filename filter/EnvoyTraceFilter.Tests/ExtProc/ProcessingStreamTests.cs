using Envoy.Service.ExtProc.V3;
using EnvoyTraceFilter.Configuration;
using Google.Protobuf;
using Grpc.Core;
using BodyMode = Envoy.Extensions.Filters.Http.ExtProc.V3.ProcessingMode.Types.BodySendMode;

namespace EnvoyTraceFilter.Tests.ExtProc;

public sealed class ProcessingStreamTests
{
    [Fact]
    public void Handle_RequestHeaders_AnswersWithHeaderMutationInRawValueOnly()
    {
        var stream = TestFilter.Stream(TestFilter.Snapshot(new SequenceIdGenerator()));

        var answer = stream.Handle(Messages.RequestHeaders((":authority", "api.example.com"), ("x-cloud-trace-context", "4bf92f3577b34da6a3ce929d0e0e4736/17725314949316355921;o=1")));

        var expected = new ProcessingResponse
        {
            RequestHeaders = new HeadersResponse
            {
                Response = new CommonResponse
                {
                    HeaderMutation = new HeaderMutation
                    {
                        SetHeaders =
                        {
                            Messages.Set("x-b3-traceid", "4bf92f3577b34da6a3ce929d0e0e4736"),
                            Messages.Set("x-b3-spanid", "1111111111111111"),
                            Messages.Set("x-b3-parentspanid", "f5fcf8089dec2751"),
                            Messages.Set("x-b3-sampled", "1"),
                            Messages.Set("b3", "4bf92f3577b34da6a3ce929d0e0e4736-1111111111111111-1-f5fcf8089dec2751"),
                            Messages.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-1111111111111111-01"),
                        },
                    },
                },
            },
        };
        Assert.Equal(expected, answer);
        Assert.All(answer.RequestHeaders.Response.HeaderMutation.SetHeaders, o => Assert.Equal("", o.Header.Value));
        Assert.All(answer.RequestHeaders.Response.HeaderMutation.SetHeaders, o => Assert.Null(o.Append));
        Assert.False(stream.Finished);
    }

    [Fact]
    public void Handle_ValueInsteadOfRawValue_IsReadToo()
    {
        var stream = TestFilter.Stream(TestFilter.Snapshot(new SequenceIdGenerator()));
        var request = Messages.RequestHeaders();
        request.RequestHeaders.Headers.Headers.Add(new Envoy.Config.Core.V3.HeaderValue { Key = "traceparent", Value = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" });

        var answer = stream.Handle(request);

        var set = answer.RequestHeaders.Response.HeaderMutation.SetHeaders;
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", set.Single(h => h.Header.Key == "x-b3-traceid").Header.RawValue.ToStringUtf8());
    }

    [Fact]
    public void Handle_ResponseHeaders_AnswersResponseArmRecordsStatusAndFinishes()
    {
        var stream = TestFilter.Stream(TestFilter.Snapshot(new SequenceIdGenerator()));
        stream.Handle(Messages.RequestHeaders((":authority", "a")));

        var answer = stream.Handle(Messages.ResponseHeaders((":status", "503"), ("content-length", "12")));

        Assert.Equal(new ProcessingResponse { ResponseHeaders = new HeadersResponse() }, answer);
        Assert.Equal(503, stream.ResponseStatus);
        Assert.True(stream.Finished);
    }

    [Theory]
    [InlineData("RequestHeaders", true, false)]
    [InlineData("Never", false, false)]
    [InlineData("ResponseHeaders", false, true)]
    public void Handle_FinishStreamAfter_EndsWhereConfigured(string finishAfter, bool afterRequest, bool afterResponse)
    {
        var stream = TestFilter.Stream(TestFilter.Snapshot(new SequenceIdGenerator(), o => o.ExtProc.FinishStreamAfter = finishAfter));

        stream.Handle(Messages.RequestHeaders());
        Assert.Equal(afterRequest, stream.Finished);
        if (!afterRequest)
        {
            stream.Handle(Messages.ResponseHeaders((":status", "200")));
            Assert.Equal(afterResponse, stream.Finished);
        }
    }

    [Fact]
    public void Handle_ProtocolConfigWithBodyMode_DoesNotFinishEarly()
    {
        var stream = TestFilter.Stream(TestFilter.Snapshot(new SequenceIdGenerator()));
        var first = Messages.RequestHeaders();
        first.ProtocolConfig = new ProtocolConfiguration { RequestBodyMode = BodyMode.Streamed };

        stream.Handle(first);
        stream.Handle(Messages.ResponseHeaders((":status", "200")));

        Assert.False(stream.Finished);
    }

    [Fact]
    public void Handle_BodiesAndTrailers_AnswerTheirOwnArm()
    {
        var stream = TestFilter.Stream(TestFilter.Snapshot(new SequenceIdGenerator()));

        Assert.Equal(new ProcessingResponse { RequestBody = new BodyResponse() }, stream.Handle(new ProcessingRequest { RequestBody = new HttpBody { Body = ByteString.CopyFromUtf8("x") } }));
        Assert.Equal(new ProcessingResponse { ResponseBody = new BodyResponse() }, stream.Handle(new ProcessingRequest { ResponseBody = new HttpBody() }));
        Assert.Equal(new ProcessingResponse { RequestTrailers = new TrailersResponse() }, stream.Handle(new ProcessingRequest { RequestTrailers = new HttpTrailers() }));
        Assert.Equal(new ProcessingResponse { ResponseTrailers = new TrailersResponse() }, stream.Handle(new ProcessingRequest { ResponseTrailers = new HttpTrailers() }));
    }

    [Fact]
    public void Handle_ExceptionInAnalysis_AnswersEmptyRequestHeadersSoRequestPassesUnmodified()
    {
        var stream = TestFilter.Stream(TestFilter.Snapshot(new ThrowingIdGenerator()));

        var answer = stream.Handle(Messages.RequestHeaders(("x-cloud-trace-context", "4bf92f3577b34da6a3ce929d0e0e4736/1;o=1")));

        Assert.Equal(new ProcessingResponse { RequestHeaders = new HeadersResponse() }, answer);
    }

    [Fact]
    public void Handle_EmptyRequest_IsAProtocolViolation()
    {
        var stream = TestFilter.Stream(TestFilter.Snapshot(new SequenceIdGenerator()));

        var e = Assert.Throws<RpcException>(() => stream.Handle(new ProcessingRequest()));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("ProcessingRequest carries none of request_headers, response_headers, request_body, response_body, request_trailers, response_trailers.", e.Status.Detail);
    }

    [Fact]
    public void Handle_SecondRequestHeaders_IsAProtocolViolation()
    {
        var stream = TestFilter.Stream(TestFilter.Snapshot(new SequenceIdGenerator()));
        stream.Handle(Messages.RequestHeaders());

        var e = Assert.Throws<RpcException>(() => stream.Handle(Messages.RequestHeaders()));

        Assert.Equal("request_headers arrived twice on one ext_proc stream; Envoy opens one stream per HTTP request.", e.Status.Detail);
    }
}

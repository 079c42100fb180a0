using System.Net;

namespace EnvoyTraceFilter.ContainerTests;

public sealed class ReceivedHeadersTests
{
    [Fact]
    public void Get_IsCaseInsensitive_AndNullWhenAbsent()
    {
        var headers = new ReceivedHeaders([("X-B3-TraceId", "abc")]);

        Assert.Equal("abc", headers.Get("x-b3-traceid"));
        Assert.Null(headers.Get("x-b3-spanid"));
    }

    [Fact]
    public void Get_RepeatedHeader_Throws()
    {
        var headers = new ReceivedHeaders([("b3", "1"), ("b3", "0")]);

        Assert.Equal("Header 'b3' occurs 2 times: 1 | 0", Assert.Throws<InvalidOperationException>(() => headers.Get("b3")).Message);
    }

    [Fact]
    public void Of_Response_IncludesContentHeaders()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(new byte[12]) };
        response.Content.Headers.ContentLength = 12;
        response.Headers.TryAddWithoutValidation("x-envoy-upstream-service-time", "3");

        var headers = ReceivedHeaders.Of(response);

        Assert.Equal(("12", "3"), (headers.Get("content-length"), headers.Get("x-envoy-upstream-service-time")));
    }
}

using System.Diagnostics;
using EnvoyEmulator.Http2;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;
using Google.Protobuf;
using Xunit.Abstractions;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>
/// 5,000 concurrent ext_proc streams over five connections (MaxStreamsPerConnection is 1024), all open at once: each is
/// answered in full, and the process's threads stay far below one per stream (the handlers are asynchronous).
/// </summary>
public sealed class ConcurrentStreamsTests(ITestOutputHelper output)
{
    private static int ProcessThreads()
    {
        using var process = Process.GetCurrentProcess();
        return process.Threads.Count;
    }

    [Fact]
    public async Task Five_thousand_concurrent_streams_are_answered_in_full_on_a_bounded_number_of_threads()
    {
        const int Connections = 5, PerConnection = 1000, Streams = Connections * PerConnection;
        await using var host = await FilterHost.StartAsync(overSocket: true);
        using var metrics = host.Metrics();
        var request = RawExtProc.RequestHeaders("api.example.com", ("b3", "0")).ToByteArray(); // unsampled: nothing to export
        var response = RawExtProc.ResponseHeaders().ToByteArray();
        var connections = new List<Http2Connection>();
        for (var i = 0; i < Connections; i++)
        {
            connections.Add(await RawExtProc.ConnectAsync(host));
        }

        var (threadsBefore, poolBefore, heapBefore) = (ProcessThreads(), ThreadPool.ThreadCount, GC.GetTotalMemory(forceFullCollection: true));
        try
        {
            var calls = connections.SelectMany(c => Enumerable.Range(0, PerConnection).Select(_ => RawExtProc.Start(c, request))).ToList();

            // All 5,000 are open and answered before any is closed.
            var answers = await Task.WhenAll(calls.Select(RawExtProc.AnswerAsync));
            var (threadsPeak, poolPeak, active) = (ProcessThreads(), ThreadPool.ThreadCount, metrics.Sum("tracefilter.extproc.active_streams"));
            var heapPeak = GC.GetTotalMemory(forceFullCollection: true); // whole test process: server and client state of 5,000 streams
            Assert.All(answers, a => Assert.Equal("0", a.RequestHeaders.Response.HeaderMutation.SetHeaders.Single(h => h.Header.Key == "x-b3-sampled").Header.RawValue.ToStringUtf8()));
            Assert.Equal(Streams, active);

            foreach (var call in calls)
            {
                call.Stream!.SendGrpcMessage(response);
            }

            var ends = await Task.WhenAll(calls.Select(RawExtProc.EndAsync));
            Assert.All(ends, x => Assert.Equal((GrpcCallEndKind.Trailers, 0, 1), (x.End.Kind, x.End.Status, x.Answers.Count)));
            await metrics.WaitForAsync(Streams, "tracefilter.extproc.streams", "end=finished");
            var (threadsAfter, poolAfter) = (ProcessThreads(), ThreadPool.ThreadCount);
            output.WriteLine($"process threads {threadsBefore} -> {threadsPeak} (5,000 open) -> {threadsAfter}; thread pool {poolBefore} -> {poolPeak} -> {poolAfter}; "
                + $"live heap {heapBefore / 1024} KiB -> {heapPeak / 1024} KiB (5,000 open, client and server, {(heapPeak - heapBefore) / Streams} B per stream)");

            // A thread per stream would add 5,000. The bound leaves room for the thread pool's injection on a loaded
            // machine and for other tests running in this process at the same time.
            Assert.InRange(threadsPeak - threadsBefore, int.MinValue, 500);
            Assert.InRange(poolPeak, 1, 500);
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }
}

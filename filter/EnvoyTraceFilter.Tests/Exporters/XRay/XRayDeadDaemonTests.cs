using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using EnvoyTraceFilter.Exporters.XRay;

namespace EnvoyTraceFilter.Tests.Exporters.XRay;

/// <summary>
/// A local daemon that is not running: the kernel answers each datagram with ICMP port-unreachable, which a
/// connected UDP socket reports on the next send. That must be counted, not thrown: an exception per span on the
/// export loop costs CPU for nothing when every request is sampled.
/// </summary>
public sealed class XRayDeadDaemonTests
{
    // Marks the execution context of this test: the exporter's loop is started from it and so inherits it, while
    // exporters of tests running in parallel do not, so their exceptions are not counted here.
    private static readonly AsyncLocal<object?> Flow = new();

    [Fact]
    public async Task Refused_sends_are_counted_as_failed_without_any_exception()
    {
        int deadPort;
        using (var probe = new FakeDaemon())
        {
            deadPort = probe.Port;
        }

        var marker = new object();
        var socketExceptions = 0;
        void OnFirstChance(object? sender, FirstChanceExceptionEventArgs e)
        {
            if (ReferenceEquals(Flow.Value, marker) && e.Exception is SocketException)
            {
                Interlocked.Increment(ref socketExceptions);
            }
        }

        AppDomain.CurrentDomain.FirstChanceException += OnFirstChance;
        try
        {
            Flow.Value = marker;
            await using var harness = new XRayExporterHarness(XRayExporterHarness.Options(deadPort));
            using var metrics = harness.ListenToMetrics();
            await harness.Exporter.StartAsync(CancellationToken.None);

            const int spans = 40;
            var results = new List<XRayExportResult>();
            for (var i = 0; i < spans; i++)
            {
                results.Add(await harness.ExportAsync(TestSpans.Fresh()));
            }

            // Every span ends in exactly one result; the refusals (every other send, as the kernel reports the
            // previous datagram's ICMP error) are failures, and none of them was an exception.
            Assert.Equal(spans, harness.Exporter.Exported + harness.Exporter.Failed);
            Assert.True(harness.Exporter.Failed >= spans / 4, $"failed {harness.Exporter.Failed} of {spans}");
            Assert.Equal(harness.Exporter.Failed, metrics.Total("failed"));
            Assert.Equal(harness.Exporter.Failed, metrics.Errors("connection_refused"));
            Assert.Equal(0, Volatile.Read(ref socketExceptions));
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= OnFirstChance;
            Flow.Value = null;
        }
    }
}

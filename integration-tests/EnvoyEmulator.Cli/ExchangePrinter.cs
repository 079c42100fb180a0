using System.Text;
using Envoy.Service.ExtProc.V3;

namespace EnvoyEmulator.Cli;

/// <summary>Plain, deterministic text for one exchange: fixed section order, sorted header lines.</summary>
internal static class ExchangePrinter
{
    public static void Print(TextWriter output, int index, EmulatedExchange x)
    {
        output.WriteLine($"== request {index} ==");
        var sent = x.Sent.FirstOrDefault(m => m.RequestCase == ProcessingRequest.RequestOneofCase.RequestHeaders);
        if (sent is null)
        {
            output.WriteLine("request_headers: not sent");
        }
        else
        {
            output.WriteLine($"request_headers sent (end_of_stream: {Lower(sent.RequestHeaders.EndOfStream)}):");
            foreach (var h in sent.RequestHeaders.Headers.Headers.OrderBy(h => h.Key, StringComparer.Ordinal))
            {
                output.WriteLine($"  {h.Key}: {Encoding.UTF8.GetString(h.RawValue.Span)}");
            }

            foreach (var (key, value) in sent.Attributes.SelectMany(a => a.Value.Fields).OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                output.WriteLine($"  attribute {key}: {value}");
            }
        }

        if (x.Upstream is null)
        {
            output.WriteLine("upstream received: nothing");
        }
        else
        {
            output.WriteLine($"upstream received: {x.Upstream.Method} {x.Upstream.Path}");
            WriteLines(output, x.Upstream.Headers);
        }

        output.WriteLine($"client got: {x.Downstream.Status} ({x.Downstream.Details})");
        WriteLines(output, x.Downstream.Headers);
        if (x.Downstream.Body.Length > 0)
        {
            output.WriteLine($"  body: {x.Downstream.Body}");
        }

        output.WriteLine($"outcome: {x.Outcome}");
    }

    public static void PrintStats(TextWriter output, EmulatorStats stats)
    {
        output.WriteLine("== stats ==");
        output.WriteLine(stats.ToString());
    }

    private static void WriteLines(TextWriter output, HeaderList headers)
    {
        foreach (var line in headers.ToSortedLines())
        {
            output.WriteLine($"  {line}");
        }
    }

    private static string Lower(bool value) => value ? "true" : "false";
}

using System.Globalization;
using System.Text;

namespace EnvoyTraceFilter.Load.Suite;

/// <summary>The suite's markdown: medians per configuration and the ratio of server CPU per request to the null server.</summary>
internal static class RatioTable
{
    public static string Render(SuiteOptions options, IReadOnlyList<Scenario> scenarios, IReadOnlyList<Sample> samples, MachineInfo machine)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"## bench-load {machine.Started:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine.Describe()}. Load average before / after: {machine.LoadBefore} / {machine.LoadAfter}.");
        md.AppendLine(
            $"Client: raw HTTP/2 as Envoy writes it, {options.Connections} connections, Envoy's close (END_STREAM + RST_STREAM), profile `{options.Profile}`. " +
            $"Closed loop c={options.Concurrency}, {options.WarmupSeconds:0.#} s warm-up + {options.DurationSeconds:0.#} s measured; " +
            (options.Rate > 0 ? $"open loop {options.Rate:0} req/s, {options.RateWarmupSeconds:0.#} + {options.RateDurationSeconds:0.#} s, latency from the due time; " : "") +
            $"median of {options.Reps} alternating run(s), each in a fresh server process.");
        md.AppendLine();
        md.AppendLine("| configuration | CPU µs/request | ratio to null | alloc B/request | vs null | exceptions/request | req/s | total p50 / p99 µs | peak RSS MiB | "
            + (options.Rate > 0 ? $"{options.Rate:0} req/s p99 µs | vs null p99 | " : "") + "errors (closed / fixed rate) | spans/POST | other cores |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|" + (options.Rate > 0 ? "---|---|" : "") + "---|---|---|");

        var nullSamples = samples.Where(s => s.Scenario == "null").ToList();
        double? nullAlloc = Median(nullSamples.Select(s => s.Closed?.ServerAllocBytesPerRequest));
        double? nullOpenP99 = Median(nullSamples.Select(s => s.Open?.TotalP99Us));
        foreach (var scenario in scenarios)
        {
            var mine = samples.Where(s => s.Scenario == scenario.Name).ToList();
            var cpu = Median(mine.Select(s => s.Closed?.ServerCpuUsPerRequest));
            // Ratio per rep (null and this configuration ran back to back), then the median of those.
            var ratio = Median(mine.Select(s =>
            {
                var reference = nullSamples.FirstOrDefault(n => n.Rep == s.Rep)?.Closed?.ServerCpuUsPerRequest;
                return s.Closed?.ServerCpuUsPerRequest is { } c && reference is > 0 ? c / reference : (double?)null;
            }));
            var alloc = Median(mine.Select(s => s.Closed?.ServerAllocBytesPerRequest));
            var openP99 = Median(mine.Select(s => s.Open?.TotalP99Us));
            long posts = mine.Sum(s => s.ZipkinPosts), spans = mine.Sum(s => s.ZipkinSpans), datagrams = mine.Sum(s => s.XRayDatagrams);
            long closedErrors = mine.Sum(s => s.Closed?.ErrorCount ?? 0), openErrors = mine.Sum(s => s.Open?.ErrorCount ?? 0);
            int failed = mine.Count(s => s.Closed is null);
            md.Append(CultureInfo.InvariantCulture, $"| {scenario.Title}{(failed > 0 ? $" ({failed} runs failed)" : "")} ");
            md.Append(CultureInfo.InvariantCulture, $"| {F(cpu, 1)} | {F(ratio, 2)} | {F(alloc, 0)} | {Delta(alloc, nullAlloc, 0)} ");
            md.Append(CultureInfo.InvariantCulture, $"| {F(Median(mine.Select(s => s.Closed?.ServerExceptionsPerRequest)), 3)} ");
            md.Append(CultureInfo.InvariantCulture, $"| {F(Median(mine.Select(s => s.Closed?.Rps)), 0)} ");
            md.Append(CultureInfo.InvariantCulture, $"| {F(Median(mine.Select(s => s.Closed?.TotalP50Us)), 0)} / {F(Median(mine.Select(s => s.Closed?.TotalP99Us)), 0)} ");
            md.Append(CultureInfo.InvariantCulture, $"| {F(Median(mine.Select(s => s.Closed?.ServerPeakRssMiB)), 0)} ");
            if (options.Rate > 0)
            {
                // A server that could not keep up with the rate has a queue, not a latency: say how much it served.
                var served = Median(mine.Select(s => s.Open?.Rps));
                var shortfall = served is { } sv && sv < options.Rate * 0.99 ? $" (served {F(served, 0)}/s)" : "";
                md.Append(CultureInfo.InvariantCulture, $"| {F(openP99, 0)}{shortfall} | {Delta(openP99, nullOpenP99, 0)} ");
            }

            md.Append(CultureInfo.InvariantCulture, $"| {closedErrors} / {(options.Rate > 0 ? openErrors.ToString(CultureInfo.InvariantCulture) : "–")} ");
            md.Append(CultureInfo.InvariantCulture, $"| {(posts > 0 ? (spans / (double)posts).ToString("F1", CultureInfo.InvariantCulture) + $" ({datagrams} X-Ray datagrams)" : datagrams > 0 ? $"– ({datagrams} X-Ray datagrams)" : "–")} ");
            md.AppendLine(CultureInfo.InvariantCulture, $"| {F(Median(mine.Select(s => s.Closed?.OtherCores)), 2)} |");
        }

        md.AppendLine();
        md.AppendLine("Per run (closed loop): CPU µs/request, alloc B/request, GCs in the window (gen1, gen2), p99 µs, req/s.");
        md.AppendLine();
        foreach (var sample in samples)
        {
            var c = sample.Closed;
            md.AppendLine(c is null
                ? string.Create(CultureInfo.InvariantCulture, $"- {sample.Scenario}#{sample.Rep}: failed")
                : (
                    $"- {c.Label}: {F(c.ServerCpuUsPerRequest, 1)} µs, {F(c.ServerAllocBytesPerRequest, 0)} B, GCs {F(c.ServerGcCount, 0)} ({F(c.ServerGen1Count, 0)}, {F(c.ServerGen2Count, 0)}), p99 {F(c.TotalP99Us, 0)} µs, {c.Rps:0} req/s" +
                    (sample.Open is { } o ? $"; at {o.Rate:0} req/s: served {o.Rps:0}, p99 {F(o.TotalP99Us, 0)} µs, CPU {F(o.ServerCpuUsPerRequest, 1)} µs" +
                        (o.ErrorCount > 0 ? $" (errors {string.Join(", ", o.Errors.Select(e => $"{e.Key}={e.Value}"))})" : "") : "") +
                    (c.ErrorCount > 0 ? $"; errors {string.Join(", ", c.Errors.Select(e => $"{e.Key}={e.Value}"))}" : "") +
                    (c.CounterError is { } ce ? $"; counters: {ce}" : "")));
        }

        return md.ToString();
    }

    private static double? Median(IEnumerable<double?> values)
    {
        var list = values.Where(v => v is not null).Select(v => v!.Value).Order().ToList();
        if (list.Count == 0)
        {
            return null;
        }

        return list.Count % 2 == 1 ? list[list.Count / 2] : (list[list.Count / 2 - 1] + list[list.Count / 2]) / 2;
    }

    private static string F(double? value, int decimals) =>
        value is null ? "–" : value.Value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string Delta(double? value, double? reference, int decimals) =>
        value is null || reference is null ? "–" : (value.Value - reference.Value >= 0 ? "+" : "") + F(value - reference, decimals);
}

namespace EnvoyTraceFilter.Load.Soak;

/// <summary>
/// The trend of one series after warm-up: least-squares slope, expressed per 10 minutes. "Flat" when the slope is
/// within max(2 % of the series' mean, an absolute floor) per 10 minutes: a leak of that size would still show
/// within a 30-minute run, while GC sawtooth and thread-pool jitter stay below it.
/// </summary>
internal sealed record SoakTrend(string Series, string Unit, int Samples, double Min, double Max, double Mean, double First, double Last,
    double SlopePer10Min, double Tolerance)
{
    public bool Flat => Math.Abs(SlopePer10Min) <= Tolerance;

    public static SoakTrend? Of(string series, string unit, double floor, IEnumerable<(double Seconds, double? Value)> points)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        foreach (var (seconds, value) in points)
        {
            if (value is { } v)
            {
                xs.Add(seconds / 600.0); // in units of 10 minutes
                ys.Add(v);
            }
        }

        if (xs.Count < 3)
        {
            return null;
        }

        double meanX = xs.Average(), meanY = ys.Average();
        double covariance = 0, variance = 0;
        for (int i = 0; i < xs.Count; i++)
        {
            covariance += (xs[i] - meanX) * (ys[i] - meanY);
            variance += (xs[i] - meanX) * (xs[i] - meanX);
        }

        var slope = variance == 0 ? 0 : covariance / variance;
        return new SoakTrend(series, unit, xs.Count, ys.Min(), ys.Max(), meanY, ys[0], ys[^1], slope, Math.Max(0.02 * Math.Abs(meanY), floor));
    }
}

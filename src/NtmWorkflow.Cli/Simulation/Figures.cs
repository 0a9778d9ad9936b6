using System.Collections.Concurrent;
using System.Globalization;

namespace NtmWorkflow.Cli.Simulation;

/// <summary>Wall-clock latencies per operation, and counters, gathered from concurrent officials.</summary>
internal sealed class Figures
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _latencies = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _counters = new(StringComparer.Ordinal);

    public void Record(string operation, double milliseconds) => _latencies.GetOrAdd(operation, _ => []).Add(milliseconds);

    public void Count(string counter, long by = 1) => _counters.AddOrUpdate(counter, by, (_, value) => value + by);

    public long Counter(string counter) => _counters.GetValueOrDefault(counter);

    public IEnumerable<(string Operation, int Count, double P50, double P95, double P99, double Max)> Operations() =>
        _latencies.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l =>
        {
            var sorted = l.Value.Order().ToArray();
            return (l.Key, sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.95), Percentile(sorted, 0.99), sorted[^1]);
        });

    public (int Count, double P50, double P95, double P99, double Max) Summary(string operation)
    {
        var sorted = _latencies.TryGetValue(operation, out var bag) ? bag.Order().ToArray() : [];
        return sorted.Length == 0 ? (0, 0, 0, 0, 0) : (sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.95), Percentile(sorted, 0.99), sorted[^1]);
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    public static string Ms(double value) => value.ToString(value < 10 ? "0.0" : "0", CultureInfo.InvariantCulture);
}

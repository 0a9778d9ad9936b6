using System.Globalization;

namespace NtmWorkflow.Cli.Simulation;

/// <summary>A process's peak resident memory, as Linux counts it (VmHWM in /proc/PID/status).</summary>
internal static class PeakMemory
{
    /// <summary>Bytes, or null where /proc is not (or the process is gone).</summary>
    public static long? Of(string process)
    {
        try
        {
            var line = File.ReadLines($"/proc/{process}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is not null && long.TryParse(line["VmHWM:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture, out var kb)
                ? kb * 1024
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

using System.Diagnostics;
using System.Globalization;

namespace InverseScaling.Benchmark.Performance;

/// <summary>
/// This process's peak resident memory: VmHWM of <c>/proc/self/status</c> on Linux, which writing 5 to
/// <c>/proc/self/clear_refs</c> resets to the current resident size (so one phase's peak can be read);
/// elsewhere <see cref="Process.PeakWorkingSet64"/>, which cannot be reset.
/// </summary>
internal static class ResidentMemory
{
    private const string Status = "/proc/self/status";

    /// <summary>Resets the peak to the current resident size; false where the system does not allow it.</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>Peak resident bytes since the process started or the last <see cref="ResetPeak"/>.</summary>
    public static long Peak()
    {
        try
        {
            foreach (var line in File.ReadLines(Status))
            {
                // "VmHWM:     123456 kB"
                if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
                var number = line["VmHWM:".Length..].Trim().Split(' ')[0];
                if (long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var kilobytes)) return kilobytes * 1024;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }
}

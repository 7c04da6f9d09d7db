using System.Globalization;
using System.Runtime.InteropServices;

namespace OrleansKv.Bench;

/// <summary>
/// CPU time (user + system) the server processes have used so far, read from /proc/PID/stat as bench/compare reads
/// it for its wrk points, so the client round reports server CPU per request too. Empty without --server-pids or
/// off Linux; a process that has gone counts as zero.
/// </summary>
internal sealed class ServerCpu(IReadOnlyList<int> pids)
{
    private const int ScClockTicks = 2; // _SC_CLK_TCK in Linux's unistd.h

    private static readonly Lazy<double> TicksPerSecond = new(() =>
    {
        var ticks = OperatingSystem.IsLinux() ? SysConf(ScClockTicks) : -1;
        return ticks > 0 ? ticks : 100;
    });

    public bool IsEmpty => pids.Count == 0 || !OperatingSystem.IsLinux();

    /// <summary>Seconds of CPU used by all the processes since they started.</summary>
    public double Seconds()
    {
        if (IsEmpty) return 0;
        long ticks = 0;
        foreach (var pid in pids) ticks += TicksOf(pid);
        return ticks / TicksPerSecond.Value;
    }

    private static long TicksOf(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return 0;
        }
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
        // After it come field 3 (state) onwards; utime and stime are fields 14 and 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    [DllImport("libc", EntryPoint = "sysconf")]
    private static extern long SysConf(int name);
}

using System.Globalization;

namespace TovPlay.Logs.Benchmarks;

/// <summary>CPU seconds spent by processes, read from Linux's /proc: where a figure's time went, not only how long it took.</summary>
public static class ProcessCpu
{
    /// <summary>User and system CPU seconds of one process so far.</summary>
    public static double Seconds(int pid) => Read(pid) ?? 0;

    /// <summary>
    /// User and system CPU seconds of every running process called <paramref name="command"/> (postgres: all its
    /// backends), with what their ended children spent: a backend that exits during a measurement hands its time to the
    /// postmaster's count, which reaps it, instead of taking it out of the sum.
    /// </summary>
    public static double SecondsOfAll(string command)
    {
        var total = 0.0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Read(pid, command, withChildren: true) is { } seconds)
            {
                total += seconds;
            }
        }

        return total;
    }

    private static double? Read(int pid, string? command = null, bool withChildren = false)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            // The process ended meanwhile.
            return null;
        }

        // "PID (comm) state ...": the name may hold spaces, so fields are counted after its closing parenthesis.
        var close = stat.LastIndexOf(')');
        if (command is not null && stat[(stat.IndexOf('(') + 1)..close] != command)
        {
            return null;
        }

        // Fields 14 and 15 of the line: user and system clock ticks (100 per second on Linux); 16 and 17: those of its
        // children that ended and were waited for.
        var fields = stat[(close + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        if (withChildren)
        {
            ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
        }

        return ticks / 100.0;
    }
}

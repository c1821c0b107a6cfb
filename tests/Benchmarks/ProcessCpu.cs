using System.Globalization;

namespace TovPlay.Logs.Benchmarks;

/// <summary>CPU seconds spent by processes, read from Linux's /proc: where a figure's time went, not only how long it took.</summary>
public static class ProcessCpu
{
    /// <summary>User and system CPU seconds of one process so far.</summary>
    public static double Seconds(int pid) => Read(pid) ?? 0;

    /// <summary>User and system CPU seconds of every running process called <paramref name="command"/> (postgres: all its backends).</summary>
    public static double SecondsOfAll(string command)
    {
        var total = 0.0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Read(pid, command) is { } seconds)
            {
                total += seconds;
            }
        }

        return total;
    }

    private static double? Read(int pid, string? command = null)
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

        // Fields 14 and 15 of the line: user and system clock ticks (100 per second on Linux).
        var fields = stat[(close + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }
}

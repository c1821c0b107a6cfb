using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace TovPlay.Logs.Web.Tests.Shared;

/// <summary>
/// Debian's PgBouncer running the configuration the project ships (deploy/pgbouncer/pgbouncer.ini), with only what
/// must differ here rewritten: its addresses, files, the upstream (any database of the test cluster) and, when a test
/// asks, the pool size. Users sign in with passwords from a userlist of its own (SCRAM by the shipped auth_type).
/// Run as the postgres user when the tests run as root (PgBouncer refuses root).
/// </summary>
public sealed partial class PgBouncerServer : IAsyncDisposable
{
    public const string Password = "Bouncer-Passw0rd-Tests";
    public const string MonitorUser = "tovplay_monitor";
    public const string AdminUser = "pgbouncer_admin";

    private readonly Process _process;
    private readonly string _dir;
    private readonly StringBuilder _output = new();

    private PgBouncerServer(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The admin console as the monitoring user (PgBouncer's stats_users).</summary>
    public string AdminConsole => $"Host=127.0.0.1;Port={Port};Username={MonitorUser};Password={Password}";

    /// <summary>A connection string of the test cluster's, sent through PgBouncer instead (the settings Npgsql needs in transaction pooling added).</summary>
    public string Through(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString)
    {
        Host = "127.0.0.1",
        Port = Port,
        Password = Password,
        MaxAutoPrepare = 0,
        NoResetOnClose = true,
    }.ConnectionString;

    public static async Task<PgBouncerServer> StartAsync(string upstream, int? poolSize = null, string? authType = null)
    {
        var server = new NpgsqlConnectionStringBuilder(upstream);
        var shipped = Path.Combine(AppContext.BaseDirectory, "deploy", "pgbouncer", "pgbouncer.ini");
        var dir = Directory.CreateTempSubdirectory("tovplay-pgbouncer-").FullName;
        var port = LoopbackServer.FreePort();
        var ini = Rewrite(await File.ReadAllTextAsync(shipped), new Dictionary<string, string>
        {
            ["listen_addr"] = "127.0.0.1",
            ["listen_port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["auth_file"] = Path.Combine(dir, "userlist.txt"),
            ["logfile"] = Path.Combine(dir, "pgbouncer.log"),
            ["pidfile"] = Path.Combine(dir, "pgbouncer.pid"),
            ["unix_socket_dir"] = "",
            ["default_pool_size"] = poolSize?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
            ["reserve_pool_size"] = poolSize is null ? "" : "0",
            ["auth_type"] = authType ?? "",
        }, $"* = host={server.Host} port={server.Port}");
        await File.WriteAllTextAsync(Path.Combine(dir, "pgbouncer.ini"), ini);
        await File.WriteAllTextAsync(Path.Combine(dir, "userlist.txt"),
            string.Join("\n", new[] { server.Username ?? "postgres", MonitorUser, AdminUser }.Select(u => $"\"{u}\" \"{Password}\"")) + "\n");
        var root = Environment.UserName == "root";
        if (root)
        {
            await RunAsync("chown", "-R", "postgres:postgres", dir);
        }

        var info = root
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", "pgbouncer", Path.Combine(dir, "pgbouncer.ini")])
            : new ProcessStartInfo("pgbouncer", [Path.Combine(dir, "pgbouncer.ini")]);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        var process = Process.Start(info) ?? throw new InvalidOperationException("pgbouncer did not start (test.sh installs Debian's)");
        var bouncer = new PgBouncerServer(process, dir, port);
        process.OutputDataReceived += (_, e) => bouncer.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => bouncer.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await LocalServerProcess.WaitUntilListeningAsync(process, port, () => Task.FromResult(bouncer.Output));
        return bouncer;
    }

    /// <summary>The shipped file with the given settings of [pgbouncer] replaced (an empty value keeps the shipped one) and [databases] pointed at the test cluster.</summary>
    private static string Rewrite(string shipped, IReadOnlyDictionary<string, string> settings, string databases)
    {
        var lines = new List<string>();
        var section = "";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in shipped.Split('\n'))
        {
            if (SectionLine().Match(line) is { Success: true } header)
            {
                if (section == "pgbouncer")
                {
                    lines.AddRange(settings.Where(s => s.Value.Length > 0 && !seen.Contains(s.Key)).Select(s => $"{s.Key} = {s.Value}"));
                }

                section = header.Groups[1].Value;
                lines.Add(line);
                if (section == "databases")
                {
                    lines.Add(databases);
                }

                continue;
            }

            var setting = SettingLine().Match(line);
            if (section == "databases" && setting.Success)
            {
                continue; // the shipped databases live in the compose network
            }

            if (section == "pgbouncer" && setting.Success && settings.TryGetValue(setting.Groups[1].Value, out var value) && value.Length > 0)
            {
                seen.Add(setting.Groups[1].Value);
                lines.Add($"{setting.Groups[1].Value} = {value}");
                continue;
            }

            lines.Add(line);
        }

        if (section == "pgbouncer")
        {
            lines.AddRange(settings.Where(s => s.Value.Length > 0 && !seen.Contains(s.Key)).Select(s => $"{s.Key} = {s.Value}"));
        }

        return string.Join('\n', lines);
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                if (_output.Length < 20_000)
                {
                    _output.AppendLine(line);
                }
            }
        }
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString() + (File.Exists(Path.Combine(_dir, "pgbouncer.log")) ? File.ReadAllText(Path.Combine(_dir, "pgbouncer.log")) : "");
            }
        }
    }

    private static async Task RunAsync(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { UseShellExecute = false }) ?? throw new InvalidOperationException($"{program} did not start");
        await process.WaitForExitAsync();
    }

    [GeneratedRegex(@"^\s*\[(\w+)\]\s*$")]
    private static partial Regex SectionLine();

    [GeneratedRegex(@"^\s*(\w+)\s*=")]
    private static partial Regex SettingLine();

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        // runuser passes the signal on; pgbouncer ends its clients and exits.
        await LocalServerProcess.StopAsync(_process, _dir);
    }
}

using System.Diagnostics;
using Npgsql;

namespace TovPlay.Logs.Web.Tests.Shared;

/// <summary>
/// A PostgreSQL cluster of one test's own, in a temporary folder on a free loopback port, so the test can stop and
/// start it without disturbing the cluster every other test shares. Run as the postgres user when the tests run as
/// root (initdb refuses root), as test.sh does for the shared cluster.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PrivateCluster : IAsyncDisposable
{
    private readonly string _dir;
    private readonly string _bin;

    private PrivateCluster(string dir, string bin, int port)
    {
        _dir = dir;
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=3";

    public static async Task<PrivateCluster> StartAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderBy(d => d, StringComparer.Ordinal).LastOrDefault()
            ?? throw new InvalidOperationException("PostgreSQL's binaries are not installed (test.sh installs them).");
        var dir = Directory.CreateTempSubdirectory("tovplay-private-pg-").FullName;
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var port = LoopbackServer.FreePort();
        var cluster = new PrivateCluster(dir, bin, port);
        await cluster.RunAsync("chown", "-R", "postgres:postgres", dir).ConfigureAwait(false);
        await cluster.RunAsPostgresAsync(Path.Combine(bin, "initdb"), "-D", Path.Combine(dir, "data"), "-U", "postgres", "-E", "UTF8", "--auth=trust");
        await cluster.StartClusterAsync();
        return cluster;
    }

    public Task StartClusterAsync() => RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", Path.Combine(_dir, "data"), "-l", Path.Combine(_dir, "log"), "-w", "-t", "60",
        "-o", $"-c listen_addresses=127.0.0.1 -p {Port} -k {_dir} -c fsync=off", "start");

    public Task StopClusterAsync() => RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", Path.Combine(_dir, "data"), "-m", "fast", "-w", "stop");

    private async Task RunAsPostgresAsync(string program, params string[] args)
    {
        if (Environment.UserName == "root")
        {
            await RunAsync("runuser", ["-u", "postgres", "--", program, .. args]);
        }
        else
        {
            await RunAsync(program, args);
        }
    }

    private async Task RunAsync(string program, params string[] args)
    {
        if (program == "chown" && Environment.UserName != "root")
        {
            return;
        }

        var info = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await StopClusterAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(_dir, recursive: true);
    }
}

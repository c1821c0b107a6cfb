using System.Diagnostics;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Playwright.Shared;

/// <summary>
/// Debian's nginx in front of an app, with the shipped location block (deploy/nginx/locations/tovplay-logs.conf)
/// included as it is: tests/Deploy/nginx_harness.py writes the surroundings (ports, the upstream's address, pid and
/// log files), as the deploy tests do.
/// </summary>
public sealed class NginxProxy : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    private NginxProxy(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The app as a browser reaches it through nginx.</summary>
    public Uri AppUri => new($"http://127.0.0.1:{Port}/logs/");

    public static async Task<NginxProxy> StartAsync(Uri upstream)
    {
        var repository = Checkout.Root();
        var dir = Directory.CreateTempSubdirectory("tovplay-nginx-").FullName;
        var port = LoopbackServer.FreePort();
        var config = (await RunAsync("python3", Path.Combine(repository, "tests", "Deploy", "nginx_harness.py"),
            "--upstream", $"{upstream.Host}:{upstream.Port}", "--listen", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--dir", dir)).Trim();
        var process = Process.Start(new ProcessStartInfo("nginx", ["-e", Path.Combine(dir, "error.log"), "-c", config])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("nginx did not start (test.sh installs Debian's)");
        var proxy = new NginxProxy(process, dir, port);
        await LocalServerProcess.WaitUntilListeningAsync(process, port,
            async () => await process.StandardError.ReadToEndAsync() + (File.Exists(Path.Combine(dir, "error.log")) ? await File.ReadAllTextAsync(Path.Combine(dir, "error.log")) : ""));
        return proxy;
    }

    private static async Task<string> RunAsync(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? await output : throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {await error}");
    }

    public async ValueTask DisposeAsync() => await LocalServerProcess.StopAsync(_process, _dir);
}

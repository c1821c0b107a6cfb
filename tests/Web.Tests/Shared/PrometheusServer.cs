using System.Diagnostics;

namespace TovPlay.Logs.Web.Tests.Shared;

/// <summary>
/// Debian's Prometheus on a loopback port, scraping the app's metrics endpoint every second with a read key, in a
/// temporary data directory removed afterwards.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";
    public const string Job = "tovplay-logs";

    private readonly Process _process;
    private readonly string _directory;

    private PrometheusServer(Process process, string directory, Uri address)
    {
        _process = process;
        _directory = directory;
        Address = address;
    }

    public Uri Address { get; }

    /// <param name="port">The port it listens on, chosen before the app starts so the app can be told where it is.</param>
    public static async Task<PrometheusServer> StartAsync(int port, Uri metrics, string bearerToken)
    {
        Assert.True(File.Exists(Binary), $"{Binary} is missing: test.sh installs Debian's prometheus package.");
        var directory = Directory.CreateTempSubdirectory("tovplay-prometheus-").FullName;
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: {Job}
                metrics_path: {metrics.AbsolutePath}
                authorization:
                  type: Bearer
                  credentials: '{bearerToken}'
                static_configs:
                  - targets: ['{metrics.Authority}']
            """);
        var start = new ProcessStartInfo(Binary)
        {
            ArgumentList =
            {
                $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}", $"--web.listen-address=127.0.0.1:{port}",
                "--web.enable-lifecycle", "--log.level=warn",
            },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new PrometheusServer(process, directory, new Uri($"http://127.0.0.1:{port}/"));
        using var http = new HttpClient { BaseAddress = server.Address };
        var until = DateTimeOffset.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(process.HasExited, "Prometheus exited at start");
            try
            {
                using var ready = await http.GetAsync("-/ready");
                if (ready.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.True(DateTimeOffset.UtcNow < until, "Prometheus did not become ready");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}

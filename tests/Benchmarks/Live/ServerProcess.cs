using System.Diagnostics;
using System.Globalization;

namespace TovPlay.Logs.Benchmarks.Live;

/// <summary>
/// The app in a process of its own, so its CPU time and peak memory can be read from /proc apart from the load
/// generator's. It runs the build copied beside the benchmark, against a database already prepared.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly double _cpuAtStart;

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
        _cpuAtStart = CpuSeconds();
    }

    /// <summary>http://127.0.0.1:PORT/logs/</summary>
    public Uri Address { get; }

    public static async Task<ServerProcess> StartAsync(string connectionString, IEnumerable<string> settings)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[
            Path.Combine(AppContext.BaseDirectory, "TovPlay.Logs.Web.dll"),
            $"--urls=http://127.0.0.1:{port}",
            $"--ConnectionStrings:AppDb={connectionString}",
            "--environment=Benchmark",
            "--Serilog:MinimumLevel:Default=Error",
            .. settings])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("the app did not start");
        // Drained so a chatty app never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.Error.WriteLine($"  app: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var address = new Uri($"http://127.0.0.1:{port}/logs/");
        using var http = new HttpClient();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var ready = await http.GetAsync(new Uri(address, "readyz"));
                if (ready.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException) when (attempt < 300 && !process.HasExited)
            {
            }

            if (attempt >= 300 || process.HasExited)
            {
                throw new InvalidOperationException($"the app did not become ready (exited: {process.HasExited})");
            }

            await Task.Delay(100);
        }

        return new ServerProcess(process, address);
    }

    /// <summary>CPU seconds (user and system) the app used since it became ready.</summary>
    public double CpuSecondsSinceReady => CpuSeconds() - _cpuAtStart;

    /// <summary>The most resident memory the app has had (VmHWM), in bytes.</summary>
    public long PeakRssBytes
    {
        get
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
    }

    private double CpuSeconds() => ProcessCpu.Seconds(_process.Id);

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}

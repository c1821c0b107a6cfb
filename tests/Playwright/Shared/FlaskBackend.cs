using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Playwright.Shared;

/// <summary>
/// tests/Playwright/Flask/tovplay_backend.py in a process of its own (Debian's python3 with the repository's
/// tovplay_logging), its JSON lines shipped to the app's push API as promtail would ship them, job="tovplay-backend".
/// </summary>
public sealed class FlaskBackend : IAsyncDisposable
{
    public static readonly string Repository = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));

    private readonly Process _process;
    private readonly Task _shipping;

    private FlaskBackend(Process process, Uri address, Task shipping)
    {
        _process = process;
        Address = address;
        _shipping = shipping;
    }

    public Uri Address { get; }

    /// <summary>Lines the backend wrote that could not be shipped, with why (none is expected).</summary>
    public List<string> Unshipped { get; } = [];

    public static async Task<FlaskBackend> StartAsync(int port, string auditedConnection, string table, TestApp app, string sessionKey)
    {
        var dist = Path.Combine(Repository, "integrations", "frontend", "dist");
        if (!File.Exists(Path.Combine(dist, "index.js")))
        {
            throw new InvalidOperationException($"{dist} has no build of the browser logger: test.sh builds it (npm ci && npm run build in integrations/frontend)");
        }

        var db = new NpgsqlConnectionStringBuilder(auditedConnection);
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(Repository, "tests", "Playwright", "Flask", "tovplay_backend.py"));
        start.Environment["PYTHONPATH"] = Path.Combine(Repository, "integrations", "flask");
        start.Environment["TOVPLAY_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["TOVPLAY_DB_URL"] = $"postgresql+psycopg2://{Uri.EscapeDataString(db.Username!)}:{Uri.EscapeDataString(db.Password ?? "")}@{db.Host}:{db.Port}/{db.Database}";
        start.Environment["TOVPLAY_GAMES_TABLE"] = table;
        start.Environment["TOVPLAY_INGEST_URL"] = new Uri(app.AppUri, "api/ingest/frontend").ToString();
        start.Environment["TOVPLAY_SESSION_KEY"] = sessionKey;
        start.Environment["TOVPLAY_LOGGER_DIST"] = dist;
        var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();

        var first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (first is null || !first.StartsWith("listening ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the Flask backend did not start: {first}\n{errors}");
        }

        var key = await app.CreateApiKeyAsync();
        FlaskBackend? backend = null;
        var shipping = Task.Run(async () =>
        {
            using var push = new LokiPushClient(app, key);
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                await ShipAsync(push, line, backend!);
            }
        });
        backend = new FlaskBackend(process, new Uri($"http://127.0.0.1:{first["listening ".Length..]}/"), shipping);
        return backend;
    }

    private static async Task ShipAsync(LokiPushClient push, string line, FlaskBackend backend)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            var at = DateTimeOffset.Parse(json.RootElement.GetProperty("ts").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            var labels = new Dictionary<string, string>
            {
                ["job"] = "tovplay-backend", ["service"] = "tovplay-backend", ["env"] = "prod", ["level"] = json.RootElement.GetProperty("level").GetString()!,
            };
            using var response = await push.PushJsonAsync(LokiPushClient.PushBody(labels, ((at - DateTimeOffset.UnixEpoch).Ticks * 100, line)));
            if (!response.IsSuccessStatusCode)
            {
                backend.Unshipped.Add($"{(int)response.StatusCode}: {line}");
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or FormatException)
        {
            backend.Unshipped.Add($"{ex.Message}: {line}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        await _shipping.ContinueWith(_ => { }, TaskScheduler.Default);
        _process.Dispose();
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TovPlay.Logs.Web.ApiKeys;
using TovPlay.Logs.Web.Hosting;

namespace TovPlay.Logs.Benchmarks.Store;

/// <summary>The real app on loopback against a fresh database of the benchmark's PostgreSQL.</summary>
public sealed class BenchApp : IAsyncDisposable
{
    private readonly string _server;
    private readonly string _database;

    private readonly bool _ownsDatabase;

    private BenchApp(WebApplication app, string server, string database, Uri address, string token, bool ownsDatabase)
    {
        _ownsDatabase = ownsDatabase;
        App = app;
        _server = server;
        _database = database;
        Address = address;
        Token = token;
    }

    public WebApplication App { get; }

    /// <summary>http://127.0.0.1:PORT/logs/</summary>
    public Uri Address { get; }

    public string Database => _database;

    /// <summary>The benchmark's PostgreSQL server, for another app on <see cref="Database"/>.</summary>
    public string ServerConnectionString => _server;

    public string Token { get; }

    public string ConnectionString => new NpgsqlConnectionStringBuilder(_server) { Database = _database }.ConnectionString;

    /// <summary>Starts the app; <paramref name="settings"/> are extra command-line settings (<c>--Section:Key=value</c>).</summary>
    public static Task<BenchApp> StartAsync(string server, params string[] settings) => StartAsync(server, null, settings);

    /// <summary>Starts the app on <paramref name="database"/> (another bench app's, kept when this one stops), or on a new one.</summary>
    public static async Task<BenchApp> StartAsync(string server, string? database, params string[] settings)
    {
        var owns = database is null;
        database ??= $"bench_{Guid.NewGuid():N}"[..30];
        if (owns)
        {
            await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ConnectionString);
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        var connection = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
        var app = AppHost.Build([
            $"--ConnectionStrings:AppDb={connection}",
            "--urls=http://127.0.0.1:0",
            "--applicationName=TovPlay.Logs.Web",
            "--Serilog:MinimumLevel:Default=Error",
            "--environment=Benchmark",
            "--TOVPLAY_LOGS_ADMIN_EMAIL=bench@tovplay.local",
            "--TOVPLAY_LOGS_ADMIN_PASSWORD=Bench-Passw0rd-1234",

            // The store's own speed is measured, not Loki's per-stream limit on a client.
            "--LogStore:PerStreamRateBytes=1073741824",
            "--LogStore:PerStreamBurstBytes=1073741824",
            .. settings,
        ]);
        await AppHost.PrepareAsync(app);
        await app.StartAsync();
        var listening = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        await using var scope = app.Services.CreateAsyncScope();
        var bench = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "bench")], "bench"));
        var key = await scope.ServiceProvider.GetRequiredService<ApiKeyAdministration>().CreateAsync(bench, "bench", true, true, int.MaxValue, CancellationToken.None);
        return new BenchApp(app, server, database, new Uri(listening.TrimEnd('/') + "/logs/"), key.Token, owns);
    }

    public HttpClient CreateClient()
    {
        var client = new HttpClient { BaseAddress = new Uri(Address, "loki/api/v1/"), Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (!_ownsDatabase)
        {
            return;
        }

        await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_server) { Database = "postgres" }.ConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}

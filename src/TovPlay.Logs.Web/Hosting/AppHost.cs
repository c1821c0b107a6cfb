using MudBlazor.Services;
using TovPlay.Logs.Web.Alerting;
using TovPlay.Logs.Web.Audit;
using TovPlay.Logs.Web.Components;
using TovPlay.Logs.Web.Data;
using TovPlay.Logs.Web.DatabaseHealth;
using TovPlay.Logs.Web.Ingest;
using TovPlay.Logs.Web.Investigations;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.LokiApi;
using TovPlay.Logs.Web.Model;
using TovPlay.Logs.Web.Observability;
using TovPlay.Logs.Web.Sandbox;
using TovPlay.Logs.Web.Search;
using TovPlay.Logs.Web.Security;
using TovPlay.Logs.Web.Status;
using TovPlay.Logs.Web.Tail;

namespace TovPlay.Logs.Web.Hosting;

/// <summary>Builds the web app from its capabilities and runs either the server or a CLI verb.</summary>
public static class AppHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        var verb = CliVerbs.IsVerb(args);
        var app = Build(verb ? [] : args, forCli: verb);
        if (verb)
        {
            if (CliVerbs.StoresInAppDatabase(args[0]) && app.Services.GetRequiredService<DatabaseMigrator>().EnabledAtStartup)
            {
                await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
            }

            return await CliVerbs.RunAsync(app, args, Console.In, Console.Out, Console.Error);
        }

        await PrepareAsync(app);
        await app.RunAsync();
        return 0;
    }

    /// <summary>
    /// The app from its capabilities; <paramref name="forCli"/> for a verb: quiet, and without the HTTP pipeline, whose
    /// endpoints would want every store configured while a verb may need one database only.
    /// </summary>
    public static WebApplication Build(string[] args, bool forCli = false)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (forCli)
        {
            // A CLI verb prints its own answer on stdout; only problems should join it.
            builder.Configuration.AddInMemoryCollection([new("Serilog:MinimumLevel:Default", "Warning")]);
        }

        builder.AddAppObservability()
            .AddAppData()
            .AddAppSecurity()
            .AddAppLogSources()
            .AddAppTail()
            .AddAppSandbox();

        // A query box may hold up to QueryEditor.MaxDraftLength characters, sent whole as the user types or pastes: the
        // circuit takes messages that large (3 bytes a character at worst) rather than dropping the connection.
        builder.Services.AddRazorComponents().AddInteractiveServerComponents()
            .AddHubOptions(o => o.MaximumReceiveMessageSize = (Model.Queries.QueryEditor.MaxDraftLength * 3) + (16 * 1024));
        builder.Services.AddMudServices();
        builder.Services.AddAppModel();
        builder.Services.AddAppSearch();
        builder.Services.AddAppAudit();
        builder.Services.AddInvestigations();
        builder.Services.AddAppStatus();
        builder.Services.AddAppAlerting();
        builder.Services.AddAppIngest();
        builder.Services.AddDatabaseHealth();

        var app = builder.Build();
        if (!forCli)
        {
            ConfigurePipeline(app);
        }

        return app;
    }

    private static void ConfigurePipeline(WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseAppPathBase();
        app.UseNotFoundPage();
        app.UseRouting();
        app.UseMiddleware<CorrelationMiddleware>();
        app.UseAppRequestLogging();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }

        app.UseClientAbortsAsClientErrors();

        app.UseAppSecurityHeaders();
        app.UseSameOriginConnections();
        // Before the limiter, so a refusal (429) still carries the CORS headers a page needs to read it.
        app.UseCors();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseWebSockets();

        // Assets are public so the sign-in page can load its styles and scripts; they hold no data.
        app.MapStaticAssets().AllowAnonymous();
        app.MapHealthEndpoints();
        app.MapMetricsEndpoint();
        app.MapAccountEndpoints();
        app.MapLokiApi();
        app.MapFrontendIngest();
        app.MapAppTail();
        app.MapSearchExport();
        app.MapAuditEndpoints();
        app.MapInvestigationEndpoints();
        app.MapAlertingEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    }

    /// <summary>Migrations and the first admin: what a server needs before it listens (also used by the benchmarks).</summary>
    public static async Task PrepareAsync(WebApplication app)
    {
        var migrator = app.Services.GetRequiredService<DatabaseMigrator>();
        if (migrator.EnabledAtStartup)
        {
            await migrator.MigrateAsync(app.Lifetime.ApplicationStopping);
        }

        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AdminBootstrapper>().RunAsync(Console.Out);
    }
}

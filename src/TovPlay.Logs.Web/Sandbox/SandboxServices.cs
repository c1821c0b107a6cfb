using Microsoft.Extensions.Options;
using TovPlay.Logs.Domain.Sandbox;
using TovPlay.Logs.Web.Audit;
using TovPlay.Logs.Web.Data;
using TovPlay.Logs.Web.Investigations;

namespace TovPlay.Logs.Web.Sandbox;

public static class SandboxServices
{
    /// <summary>
    /// The sandbox, when <c>Sandbox:Enabled</c>: its database becomes the audited one and its application servers, roles
    /// and programs describe the application to the investigations. It never runs in Production, and never over an
    /// audited database configured by hand (a real one). Register before the audit trail's services: its database must
    /// exist when they start.
    /// </summary>
    public static WebApplicationBuilder AddAppSandbox(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var options = builder.Configuration.GetSection(SandboxOptions.Section).Get<SandboxOptions>() ?? new SandboxOptions();
        services.AddOptions<SandboxOptions>().BindConfiguration(SandboxOptions.Section)
            .Validate(o => o.RequestsPerMinute is > 0 and <= SandboxOptions.MaxRequestsPerMinute, $"Sandbox:RequestsPerMinute must be above 0 and at most {SandboxOptions.MaxRequestsPerMinute}")
            .Validate(o => o.History >= TimeSpan.Zero && o.History <= TimeSpan.FromHours(6), "Sandbox:History must be between 00:00:00 and 06:00:00")
            .Validate(o => o.Database.Length is > 0 and <= 63 && o.RoleSuffix.Length <= 20, "Sandbox:Database must be 1 to 63 characters and Sandbox:RoleSuffix at most 20")
            .Validate(o => o.PlayOnStart is null or "" || Domain.Sandbox.Incidents.IncidentCatalog.Slugs.Contains(o.PlayOnStart),
                $"Sandbox:PlayOnStart must name an incident: {string.Join(", ", Domain.Sandbox.Incidents.IncidentCatalog.Slugs)}")
            .Validate(o => !o.Enabled || !builder.Environment.IsProduction(), "Sandbox:Enabled is for trying the app out: Production never runs the sandbox")
            .ValidateOnStart();

        var activation = Activation(builder.Configuration, options);
        services.AddSingleton(activation);
        services.AddSingleton<SandboxState>();
        if (!activation.Active)
        {
            return builder;
        }

        var connections = new SandboxConnections(options, ConnectionStrings.GetAppDbDirect(builder.Configuration));
        services.AddSingleton(connections);
        services.PostConfigure<AuditOptions>(audit =>
        {
            audit.TargetConnection = connections.SuperuserConnection;
            audit.ShipEnvironment = SandboxLine.Env;
        });
        services.PostConfigure<InvestigationOptions>(investigations =>
        {
            // The sandbox's application: its servers' address, its roles and its programs, unless set by hand.
            if (investigations.AppServerAddresses.Count == 0)
            {
                investigations.AppServerAddresses = [connections.AppServerAddress];
            }

            if (investigations.DatabaseRoles.SequenceEqual(new InvestigationOptions().DatabaseRoles))
            {
                investigations.DatabaseRoles = [connections.Roles.App, connections.Roles.Worker];
            }

            if (investigations.ApplicationNames.SequenceEqual(new InvestigationOptions().ApplicationNames))
            {
                investigations.ApplicationNames = [SandboxSql.BackendName, SandboxSql.WorkerName];
            }
        });
        services.AddSingleton(new TovPlayTraffic(Environment.TickCount));
        services.AddSingleton<SandboxDatabase>();
        services.AddSingleton<SandboxLog>();
        services.AddSingleton<IncidentPlayer>();
        // Before the runner: the shipper marks where the server's log ends before the runner's first connections.
        services.AddHostedService<ServerLogShipper>();
        services.AddHostedService<SandboxRunner>();
        return builder;
    }

    private static SandboxActivation Activation(IConfiguration configuration, SandboxOptions options)
    {
        if (!options.Enabled)
        {
            return new SandboxActivation(false, "The sandbox is off (Sandbox:Enabled is false; ./run.sh turns it on unless given --no-sandbox).");
        }

        if (configuration.GetSection(AuditOptions.Section).Get<AuditOptions>() is { IsConfigured: true })
        {
            return new SandboxActivation(false, "The sandbox is off: Audit:TargetConnection points at a database of your own, which the sandbox never touches.");
        }

        return new SandboxActivation(true, "");
    }
}

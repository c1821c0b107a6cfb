using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Web.Hosting;
using TovPlay.Logs.Web.Sandbox;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Sandbox;

/// <summary>When the sandbox runs: only when asked, never in Production, never over an audited database of one's own.</summary>
public sealed class SandboxActivationTests(WebAppFixture fixture)
{
    [Fact]
    public async Task InProduction_AskingForTheSandbox_StopsTheStartWithWhy()
    {
        await using var app = AppHost.Build(["--environment=Production", "--Sandbox:Enabled=true", $"--ConnectionStrings:AppDb={fixture.Database.ConnectionString}",
            "--urls=http://127.0.0.1:0"]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Sandbox:Enabled is for trying the app out: Production never runs the sandbox", error.Message);
    }

    [Fact]
    public async Task WithAnAuditedDatabaseOfOnesOwn_TheSandboxStaysOff_AndSaysWhy()
    {
        await using var app = AppHost.Build(["--environment=Development", "--Sandbox:Enabled=true", $"--ConnectionStrings:AppDb={fixture.Database.ConnectionString}",
            $"--Audit:TargetConnection={fixture.Database.ConnectionString}"]);

        var state = app.Services.GetRequiredService<SandboxState>();

        Assert.False(state.Active);
        Assert.Equal("The sandbox is off: Audit:TargetConnection points at a database of your own, which the sandbox never touches.", state.Reason);
        Assert.Null(app.Services.GetService<IncidentPlayer>());
    }

    [Fact]
    public async Task AnIncidentToPlayAtStart_MustBeOneThereIs()
    {
        await using var app = AppHost.Build(["--environment=Development", "--Sandbox:Enabled=true", "--Sandbox:PlayOnStart=drop-database",
            $"--ConnectionStrings:AppDb={fixture.Database.ConnectionString}", "--Sandbox:Database=never_made", "--urls=http://127.0.0.1:0"]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Sandbox:PlayOnStart must name an incident: api-mass-delete, psql-truncate", error.Message);
    }
}

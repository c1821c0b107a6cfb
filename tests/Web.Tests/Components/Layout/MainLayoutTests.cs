using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Npgsql;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.Components.Layout;
using TovPlay.Logs.Web.Data;
using TovPlay.Logs.Web.Model;
using TovPlay.Logs.Web.Security;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Components.Layout;

/// <summary>The shell, rendered with bUnit; preferences are read from and saved to the real test database.</summary>
public sealed class MainLayoutTests : BunitContext
{
    private readonly WebAppFixture _fixture;

    public MainLayoutTests(WebAppFixture fixture)
    {
        _fixture = fixture;
        Services.AddMudServices();
        Services.AddDbContextFactory<AppDbContext>(o => o.UseNpgsql(fixture.Database.ConnectionString));
        Services.AddHttpContextAccessor();
        Services.AddScoped<RequestOrigin>();
        Services.AddScoped<AppAuditLog>();
        Services.AddAppModel();
        Services.AddSingleton(_sandbox);
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    private readonly Web.Sandbox.SandboxState _sandbox = new(new Web.Sandbox.SandboxActivation(false, "The sandbox is off."));

    private async Task<(TestUser User, string Id)> SignInAsAsync(params string[] roles)
    {
        var user = await _fixture.CreateUserAsync(roles);
        var id = await _fixture.FindUserIdAsync(user.Email);
        var auth = AddAuthorization();
        auth.SetAuthorized(user.Email);
        auth.SetRoles(roles);
        auth.SetPolicies([.. AppRoles.All.Where(r => roles.Any(have => AppRoles.AtLeast(r).Contains(have))).Select(PolicyOf)]);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, id)); // last: setting roles rebuilds the claims

        return (user, id);
    }

    private static string PolicyOf(string role) => role switch
    {
        AppRoles.Admin => AppPolicies.Admin,
        AppRoles.Investigator => AppPolicies.Investigator,
        _ => AppPolicies.Viewer,
    };

    private IRenderedComponent<MainLayout> RenderLayout()
    {
        // As inside a live circuit; set after the services, because it builds the renderer.
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "page body"))));
    }

    [Fact]
    public async Task Render_Viewer_ShowsViewerNavigationOnly()
    {
        await SignInAsAsync(AppRoles.Viewer);

        var cut = RenderLayout();

        var links = cut.FindAll("nav a, .mud-nav-link").Select(a => a.TextContent.Trim()).Where(t => t.Length > 0).ToList();
        Assert.Contains("Live", links);
        Assert.Contains("Search", links);
        // Alert rules name what is watched and how: Investigators and Admins see them.
        Assert.DoesNotContain("Alerts", links);
        // Who is connected, with their queries' texts: Investigators and Admins.
        Assert.DoesNotContain("Database", links);
        Assert.DoesNotContain("Investigate", links);
        Assert.DoesNotContain("Investigations", links);
        Assert.DoesNotContain("Admin", links);
        Assert.Contains("page body", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_Admin_ShowsEveryNavigationEntry()
    {
        await SignInAsAsync(AppRoles.Admin);

        var cut = RenderLayout();

        var links = cut.FindAll(".mud-nav-link").Select(a => a.TextContent.Trim()).ToList();
        Assert.Equal(["Home", "Live", "Search", "Investigate", "Investigations", "Audit", "Alerts", "Database", "Admin"], links);
    }

    [Fact]
    public async Task Render_WithoutTheSandbox_ShowsNoChip()
    {
        await SignInAsAsync(AppRoles.Viewer);
        var cut = RenderLayout();

        Assert.Empty(cut.FindAll("[data-testid=sandbox-chip]"));
    }

    [Fact]
    public async Task Render_WithTheSandbox_SaysSoOnEveryPage_WithItsPhase()
    {
        await SignInAsAsync(AppRoles.Viewer);
        var sandbox = new Web.Sandbox.SandboxState(new Web.Sandbox.SandboxActivation(true, ""));
        Services.AddSingleton(sandbox);
        var cut = RenderLayout();

        sandbox.Set(Web.Sandbox.SandboxPhase.Live, "TovPlay's traffic is live.", DateTimeOffset.UtcNow);

        cut.WaitForAssertion(() => Assert.Equal("Sandbox", cut.Find("[data-testid=sandbox-chip]").TextContent.Trim()));
        Assert.Equal("Live", cut.Find("[data-testid=sandbox-chip]").GetAttribute("data-phase"));
    }

    [Fact]
    public async Task Render_SignedIn_ShowsUserAndSignOutForm()
    {
        var (user, _) = await SignInAsAsync(AppRoles.Viewer);

        var cut = RenderLayout();

        Assert.Equal(user.Email, cut.Find("[data-testid=user-chip]").TextContent.Trim());
        Assert.Equal("account/logout", cut.Find("form").GetAttribute("action"));
    }

    [Fact]
    public async Task DarkModeToggle_Click_SavesPreferenceAndAudits()
    {
        var (user, id) = await SignInAsAsync(AppRoles.Viewer);
        var cut = RenderLayout();

        await cut.Find("button[aria-label='Dark mode']").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("button[aria-label='Dark mode']").GetAttribute("aria-pressed")));
        Assert.True(await ReadBoolAsync("PrefersDarkMode", id));
        var audit = Assert.Single(await AuditRows.ForTargetAsync(_fixture.Database, "user preferences"), r => r.Actor == user.Email);
        Assert.Equal("dark_mode: system -> dark", audit.Details);
    }

    [Fact]
    public async Task DarkModeToggle_ClickedBeforePreferencesArrive_IsNotUndoneByThem()
    {
        var (_, id) = await SignInAsAsync(AppRoles.Viewer);
        // The first read of the database (loading the preferences) waits until the click has happened.
        var gate = new GatedContextFactory(_fixture.Database.ConnectionString);
        Services.AddSingleton<IDbContextFactory<AppDbContext>>(gate);
        var cut = RenderLayout();

        var click = cut.Find("button[aria-label='Dark mode']").ClickAsync(new());
        gate.Open();
        await click;

        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("button[aria-label='Dark mode']").GetAttribute("aria-pressed")));
        Assert.True(await ReadBoolAsync("PrefersDarkMode", id));
    }

    /// <summary>
    /// Contexts on the test database whose first query (loading the preferences) has read its rows but hands them
    /// over only once <see cref="Open"/> is called: a click can then come between the read and its arrival.
    /// </summary>
    private sealed class GatedContextFactory(string connectionString) : DbCommandInterceptor, IDbContextFactory<AppDbContext>
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _reads;

        public void Open() => _open.TrySetResult();

        public AppDbContext CreateDbContext() => new(new DbContextOptionsBuilder<AppDbContext>().UseNpgsql(connectionString).AddInterceptors(this).Options);

        public override async ValueTask<System.Data.Common.DbDataReader> ReaderExecutedAsync(
            System.Data.Common.DbCommand command, CommandExecutedEventData eventData, System.Data.Common.DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _reads) == 1)
            {
                await _open.Task.WaitAsync(cancellationToken);
            }

            return result;
        }
    }

    [Fact]
    public async Task TimeZoneToggle_Click_SwitchesToLocalAndSaves()
    {
        var (_, id) = await SignInAsAsync(AppRoles.Viewer);
        var cut = RenderLayout();
        Assert.Equal("UTC", cut.Find("[data-testid=time-zone-toggle]").TextContent.Trim());

        await cut.Find("[data-testid=time-zone-toggle]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("Local", cut.Find("[data-testid=time-zone-toggle]").TextContent.Trim()));
        Assert.False(await ReadBoolAsync("ShowTimesInUtc", id));
    }

    [Fact]
    public async Task Render_StoredDarkPreference_StartsDark()
    {
        var (_, id) = await SignInAsAsync(AppRoles.Viewer);
        await using (var connection = await _fixture.Database.OpenAsync())
        await using (var command = new NpgsqlCommand("UPDATE \"AspNetUsers\" SET \"PrefersDarkMode\" = true WHERE \"Id\" = @id", connection))
        {
            command.Parameters.AddWithValue("id", id);
            await command.ExecuteNonQueryAsync(Xunit.TestContext.Current.CancellationToken);
        }

        var cut = RenderLayout();

        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("button[aria-label='Dark mode']").GetAttribute("aria-pressed")));
    }

    private async Task<bool> ReadBoolAsync(string column, string id)
    {
        await using var connection = await _fixture.Database.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT \"{column}\" FROM \"AspNetUsers\" WHERE \"Id\" = @id", connection);
        command.Parameters.AddWithValue("id", id);
        return (bool)(await command.ExecuteScalarAsync(Xunit.TestContext.Current.CancellationToken))!;
    }
}

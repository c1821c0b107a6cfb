using Microsoft.Playwright;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Playwright.Shared;
using static Microsoft.Playwright.Assertions;

namespace TovPlay.Logs.Playwright;

/// <summary>The Audit page in Chromium: find a wipe, see who and what, follow a row's history, restore it.</summary>
public sealed class AuditPageTests(BrowserFixture fixture) : IAsyncLifetime
{
    private readonly string _guilds = "guilds_" + Guid.NewGuid().ToString("N")[..8];

    private string Members => _guilds.Replace("guilds_", "members_", StringComparison.Ordinal);

    public async ValueTask InitializeAsync()
    {
        await fixture.ExecuteAuditedAsync($"""
            CREATE TABLE {_guilds} (id bigint PRIMARY KEY, name text NOT NULL, motto text);
            CREATE TABLE {Members} (id bigint PRIMARY KEY, guild_id bigint NOT NULL REFERENCES {_guilds} (id) ON DELETE CASCADE, nick text);
            """);
        await fixture.AuditTablesAsync(_guilds, Members);
        await fixture.ExecuteAuditedAsync($"""
            INSERT INTO {_guilds} VALUES (1, 'Knights', 'Ni'), (2, 'Rooks', '=1+1');
            INSERT INTO {Members} VALUES (10, 1, 'arthur'), (11, 1, 'lancelot');
            """);
        await fixture.ExecuteAuditedAsync($"UPDATE {_guilds} SET motto = 'We are the knights who say Ni' WHERE id = 1");
        // Its own transaction: restoring "the whole transaction" of the DELETE must not take the UPDATE back.
        await fixture.ExecuteAuditedAsync($"""
            BEGIN;
            SET LOCAL application_name = 'psql';
            SET LOCAL tovplay.username = 'mallory';
            DELETE FROM {_guilds} WHERE id = 1;
            COMMIT;
            """);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = await fixture.Audited.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    [Fact]
    public async Task Admin_FindsTheDelete_SeesWhoAndTheRows_FollowsARowsHistory_AndRestoresTheCascade()
    {
        var (email, password) = await fixture.CreateUserAsync(AppRoles.Admin);
        await using var watched = await WatchedPage.OpenAsync(fixture);
        await watched.SignInAsync(email, password);
        var page = watched.Page;
        await page.GotoAsync($"audit?table={_guilds}");
        await watched.WaitForCircuitAsync();

        var statements = page.GetByTestId("statements");
        await Expect(statements.GetByRole(AriaRole.Row)).ToHaveCountAsync(4);
        // A bad field is named under itself, and nothing is searched.
        await page.GetByLabel("Client address").FillAsync("not-an-ip");
        await page.GetByTestId("apply-filter").ClickAsync();
        await Expect(page.GetByText("'not-an-ip' is not an IP address.")).ToBeVisibleAsync();
        await page.GetByLabel("Client address").FillAsync("");
        await page.GetByLabel("App user").FillAsync("mallory");
        await page.GetByTestId("apply-filter").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("user=mallory"));
        await Expect(statements.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);

        await statements.GetByRole(AriaRole.Row).Filter(new() { HasText = "DELETE" }).ClickAsync();
        var panel = page.GetByTestId("statement-panel");
        await Expect(panel).ToContainTextAsync("mallory");
        await Expect(panel).ToContainTextAsync("psql");
        await Expect(panel.GetByTestId("statement-text")).ToContainTextAsync($"DELETE FROM {_guilds} WHERE id = 1");
        await Expect(panel.GetByTestId("row-change")).ToContainTextAsync("We are the knights who say Ni");

        await panel.GetByTestId("row-history").ClickAsync();
        var history = page.GetByRole(AriaRole.Dialog);
        await Expect(history.GetByTestId("history-version")).ToHaveCountAsync(3);
        await Expect(history.GetByTestId("history-version").Nth(1).Locator("tr.changed")).ToContainTextAsync("motto");
        await history.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();

        await panel.GetByTestId("restore").ClickAsync();
        var restore = page.GetByRole(AriaRole.Dialog);
        await restore.GetByTestId("restore-transaction").ClickAsync();
        await Expect(restore.GetByTestId("restore-script")).ToContainTextAsync($"-- public.{Members}: 2 row(s)");
        await Expect(restore.GetByTestId("restore-run")).ToBeDisabledAsync();
        await restore.GetByLabel("Table name to confirm").FillAsync(_guilds);
        await restore.GetByTestId("restore-run").ClickAsync();

        await Expect(restore.GetByTestId("restore-done")).ToContainTextAsync("Restored 3 row(s)");
        Assert.Equal(2, await CountAsync($"SELECT count(*) FROM {Members}"));
        Assert.Equal("We are the knights who say Ni", (await QueryMottoAsync()));
        watched.AssertClean();
    }

    [Fact]
    public async Task Investigator_PreviewsAndDownloadsTheScript_ButCannotRunIt()
    {
        var (email, password) = await fixture.CreateUserAsync(AppRoles.Investigator);
        await using var watched = await WatchedPage.OpenAsync(fixture);
        await watched.SignInAsync(email, password);
        var page = watched.Page;
        await page.GotoAsync($"audit?table={_guilds}&action=DELETE");
        await watched.WaitForCircuitAsync();

        await page.GetByTestId("statements").GetByRole(AriaRole.Row).Filter(new() { HasText = "DELETE" }).ClickAsync();
        await page.GetByTestId("restore").ClickAsync();
        var restore = page.GetByRole(AriaRole.Dialog);
        await Expect(restore.GetByTestId("restore-script")).ToContainTextAsync("ON CONFLICT DO NOTHING");
        await Expect(restore.GetByTestId("restore-run")).ToHaveCountAsync(0);

        var download = await page.RunAndWaitForDownloadAsync(() => restore.GetByTestId("restore-download").ClickAsync());
        var script = await File.ReadAllTextAsync((await download.PathAsync())!, TestContext.Current.CancellationToken);
        Assert.Contains($"INSERT INTO \"public\".\"{_guilds}\"", script);
        watched.AssertClean();
    }

    private async Task<string?> QueryMottoAsync()
    {
        await using var connection = await fixture.Audited.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"SELECT motto FROM {_guilds} WHERE id = 1", connection);
        return (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }
}

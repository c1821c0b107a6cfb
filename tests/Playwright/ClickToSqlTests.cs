using Microsoft.Playwright;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Playwright.Shared;
using TovPlay.Logs.Web.Tests.Shared;
using static Microsoft.Playwright.Assertions;

namespace TovPlay.Logs.Playwright;

/// <summary>
/// The three integrations meeting the app: a TovPlay page with the browser logger in Chromium, a Flask backend with
/// tovplay_logging deleting a game through SQLAlchemy into the audited database, and the wizard then telling the
/// click, the request and the SQL as one timeline, joined by the click's correlation id.
/// </summary>
public sealed class ClickToSqlTests(BrowserFixture fixture) : IAsyncLifetime
{
    private const string SessionKey = "the key the TovPlay backend signs its pages' session tokens with";
    private readonly string _table = "games_" + Guid.NewGuid().ToString("N")[..8];
    private TestDatabase _appDatabase = null!;
    private TestApp _app = null!;
    private FlaskBackend _backend = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await fixture.ExecuteAuditedAsync($"CREATE TABLE {_table} (id bigint PRIMARY KEY, title text NOT NULL); INSERT INTO {_table} VALUES (1, 'Chess'), (2, 'Go'), (3, 'Shogi')");
        await fixture.AuditTablesAsync(_table);
        var port = LoopbackServer.FreePort();
        _appDatabase = await TestDatabase.CreateAsync("browser_chain");
        _app = new TestApp(_appDatabase.ConnectionString, new Dictionary<string, string?>
        {
            ["Audit:TargetConnection"] = fixture.Audited.ConnectionString,
            ["Audit:OwnerRole"] = fixture.AuditOwnerRole,
            ["Ingest:Frontend:AllowedOrigins:0"] = $"http://127.0.0.1:{port}",
            ["Ingest:Frontend:SessionKey"] = SessionKey,
        });
        _ = _app.ServerAddress;
        _backend = await FlaskBackend.StartAsync(port, fixture.Audited.ConnectionString, _table, _app, SessionKey);
    }

    public async ValueTask DisposeAsync()
    {
        await _backend.DisposeAsync();
        await _app.DisposeAsync();
        await _appDatabase.DisposeAsync();
    }

    [Fact]
    public async Task AClickThatDeletesAGame_IsFollowedByTheWizard_FromTheClickThroughTheRequestToTheSql()
    {
        // A player on the TovPlay page deletes a game.
        await using (var context = await fixture.Browser.NewContextAsync())
        {
            var game = await context.NewPageAsync();
            await game.GotoAsync(new Uri(_backend.Address, "games/2").ToString());
            await game.GetByRole(AriaRole.Button, new() { Name = "Delete game" }).ClickAsync();
            await Expect(game.Locator("#result")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^deleted: 204, sent: [1-9]"));
        }

        // The audit row names the click's correlation id; its three lines (the click, the audit line, the request) reach the store.
        var correlation = await WaitForCorrelationAsync();
        using (var reader = new LokiPushClient(_app, await _app.CreateApiKeyAsync(push: false)))
        {
            await WaitForLinesAsync(reader, correlation, 3);
        }

        var (email, password) = await _app.CreateUserAsync(AppRoles.Investigator);
        await using var watched = await WatchedPage.OpenAsync(fixture, _app.AppUri);
        await watched.SignInAsync(email, password);
        var page = watched.Page;
        await page.GotoAsync("");
        await watched.WaitForCircuitAsync();
        await page.GetByTestId("scenarios").GetByRole(AriaRole.Link, new() { Name = "Data deleted or wiped" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/investigate"));
        await watched.WaitForCircuitAsync();
        await page.GetByLabel("Table").FillAsync(_table);
        await page.GetByLabel("From").FillAsync("now-1h");
        await page.GetByTestId("find-window").ClickAsync();
        await Expect(page.GetByTestId("window-explanation")).ToContainTextAsync("Rows removed: ");
        await page.GetByTestId("next").ClickAsync();
        await Expect(page.GetByTestId("step-what")).ToContainTextAsync($"DELETE on public.{_table} removed 1 row(s)");
        await page.GetByTestId("next").ClickAsync();
        await Expect(page.GetByTestId("step-who")).ToContainTextAsync("maya");
        await page.GetByTestId("next").ClickAsync();

        // WHY: one timeline, in time order: the click in the browser, the SQL it caused, the backend's lines for it.
        var why = page.GetByTestId("step-why");
        await Expect(why).ToContainTextAsync("click:delete-game");
        var text = await why.InnerTextAsync();
        var click = text.IndexOf("Frontend at ", StringComparison.Ordinal);
        var sql = text.IndexOf($"SQL at ", StringComparison.Ordinal);
        var request = text.IndexOf("DELETE /api/games/2", StringComparison.Ordinal);
        Assert.True(click >= 0 && sql > click && request > sql, $"expected the click, then the SQL, then the request's line:\n{text}");
        Assert.Contains($"DELETE on public.{_table} (1 row(s))", text, StringComparison.Ordinal);
        Assert.Contains("click:delete-game by maya", text, StringComparison.Ordinal);
        Assert.Contains(correlation, text, StringComparison.Ordinal);
        await watched.ScreenshotAsync("click-to-sql", "why");
        Assert.Empty(_backend.Unshipped);
        watched.AssertClean();
    }

    private async Task<string> WaitForCorrelationAsync()
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromMinutes(1))
        {
            await using var connection = await fixture.Audited.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand(
                "SELECT correlation_id FROM tovplay_audit.statements WHERE table_name = @table AND action = 'DELETE'", connection);
            command.Parameters.AddWithValue("table", _table);
            if (await command.ExecuteScalarAsync(Ct) is string correlation)
            {
                return correlation;
            }

            await Task.Delay(100, Ct);
        }

        Assert.Fail($"No audited DELETE on {_table} within a minute of the click.");
        return "";
    }

    private static async Task WaitForLinesAsync(LokiPushClient reader, string correlation, int count)
    {
        var query = LokiPushClient.Q($"{{job=~\"tovplay-backend|tovplay-frontend\"}} |= \"{correlation}\"");
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var lines = 0;
        while (waited.Elapsed < TimeSpan.FromMinutes(1))
        {
            var answer = await reader.GetJsonAsync($"query_range?query={query}&since=1h&limit=100");
            lines = answer.GetProperty("data").GetProperty("result").EnumerateArray().Sum(s => s.GetProperty("values").GetArrayLength());
            if (lines >= count)
            {
                return;
            }

            await Task.Delay(100, Ct);
        }

        Assert.Fail($"Only {lines} of {count} lines with correlation id {correlation} reached the store within a minute.");
    }
}

using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.ApiKeys;
using TovPlay.Logs.Web.Security;
using TovPlay.Logs.Web.Tail;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Security.Attacks;

/// <summary>
/// Access follows revocation: a stream opened before the revocation ends within the revalidation interval (one
/// second here), and a cookie copied before sign-out signs no one in after it. Each once kept working for minutes.
/// </summary>
public sealed class RevocationTests(WebAppFixture fixture) : IAsyncLifetime
{
    private TestApp? _app;

    private TestApp App => _app!;

    public ValueTask InitializeAsync()
    {
        _app = new TestApp(fixture.Database.ConnectionString, new Dictionary<string, string?> { ["Security:RevalidationInterval"] = "00:00:01" });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();

    private static readonly System.Security.Claims.ClaimsPrincipal s_admin = new(new System.Security.Claims.ClaimsIdentity(
        [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Name, "tests")], "tests"));

    private async Task<HubConnection> ConnectAsync(Action<Microsoft.AspNetCore.Http.Connections.Client.HttpConnectionOptions> configure)
    {
        var connection = new HubConnectionBuilder().WithUrl(new Uri(App.AppUri, "hubs/tail"), configure).Build();
        await connection.StartAsync(TestContext.Current.CancellationToken);
        return connection;
    }

    /// <summary>Reads the tail until it fails; the pusher keeps lines coming so the stream is busy when access ends.</summary>
    private static async Task<HubException> ReadUntilRefusedAsync(HubConnection connection, string query, Func<Task> revoke)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(TimeSpan.FromSeconds(60));
        var revoked = false;
        return await Assert.ThrowsAsync<HubException>(async () =>
        {
            await foreach (var message in connection.StreamAsync<TailMessage>("Tail", query, cancel.Token))
            {
                if (!revoked && message.State == nameof(TailConnectionState.Live))
                {
                    revoked = true;
                    await revoke();
                }
            }
        });
    }

    [Fact]
    public async Task ARevokedKeysHubTail_EndsWithAccessRevoked_AndTheConnectionCannotStartAnother()
    {
        var token = await App.CreateApiKeyAsync();
        await using var connection = await ConnectAsync(o => o.Headers["Authorization"] = $"Bearer {token}");
        var keyId = token.Split('_')[1];

        var error = await ReadUntilRefusedAsync(connection, "{job=\"revocation\"}", async () =>
        {
            await using var scope = App.Services.CreateAsyncScope();
            var keys = scope.ServiceProvider.GetRequiredService<ApiKeyAdministration>();
            var row = (await keys.ListAsync(TestContext.Current.CancellationToken)).Single(k => k.KeyId == keyId);
            Assert.True(await keys.RevokeAsync(s_admin, row.Id, TestContext.Current.CancellationToken));
        });

        Assert.Contains(AccessWatch.Message, error.Message, StringComparison.Ordinal);
        var again = await Assert.ThrowsAsync<HubException>(async () =>
        {
            await foreach (var _ in connection.StreamAsync<TailMessage>("Tail", "{job=\"revocation\"}", TestContext.Current.CancellationToken))
            {
            }
        });
        Assert.Contains(AccessWatch.Message, again.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> UserRevocations() => ["roles removed", "locked", "security stamp changed"];

    [Theory]
    [MemberData(nameof(UserRevocations))]
    public async Task ASignedInUsersHubTail_EndsWhenTheUserLosesAccess(string how)
    {
        var user = await fixture.CreateUserAsync(AppRoles.Viewer);
        var userId = await fixture.FindUserIdAsync(user.Email);
        var cookies = new CookieContainer();
        using var browser = await SignInClient.SignedInAsync(App, user, cookies);
        await using var connection = await ConnectAsync(o => o.Cookies = cookies);

        var error = await ReadUntilRefusedAsync(connection, "{job=\"revocation\"}", async () =>
        {
            await using var scope = App.Services.CreateAsyncScope();
            var administration = scope.ServiceProvider.GetRequiredService<UserAdministration>();
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Web.Data.AppUser>>();
            switch (how)
            {
                case "roles removed":
                    Assert.True((await administration.SetRolesAsync(s_admin, userId, [])).Succeeded);
                    break;
                case "locked":
                    Assert.True((await administration.SetLockedAsync(s_admin, userId, true)).Succeeded);
                    break;
                default:
                    await users.UpdateSecurityStampAsync((await users.FindByIdAsync(userId))!);
                    break;
            }
        });

        Assert.Contains(AccessWatch.Message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARevokedKeysLokiTailSocket_IsClosedAsAPolicyViolation()
    {
        var token = await App.CreateApiKeyAsync();
        var keyId = token.Split('_')[1];
        await using var tail = await LokiTailClient.ConnectAsync(App, token, $"query={Uri.EscapeDataString("{job=\"revocation\"}")}");
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var keys = scope.ServiceProvider.GetRequiredService<ApiKeyAdministration>();
            var row = (await keys.ListAsync(TestContext.Current.CancellationToken)).Single(k => k.KeyId == keyId);
            Assert.True(await keys.RevokeAsync(s_admin, row.Id, TestContext.Current.CancellationToken));
        }

        while (await tail.ReceiveAsync(TimeSpan.FromSeconds(30)) is not null)
        {
        }

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, tail.CloseStatus);
        Assert.Equal("access revoked", tail.CloseReason);
    }

    [Fact]
    public async Task ACookieCopiedBeforeSignOut_SignsNoOneInAfterIt()
    {
        var user = await fixture.CreateUserAsync(AppRoles.Viewer);
        var cookies = new CookieContainer();
        using var browser = await SignInClient.SignedInAsync(App, user, cookies);
        var ct = TestContext.Current.CancellationToken;
        var page = await browser.GetStringAsync("live", ct);
        var cookieHeader = cookies.GetCookieHeader(App.AppUri);

        using var copy = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = App.AppUri };
        copy.DefaultRequestHeaders.Add("Cookie", cookieHeader);
        using (var before = await copy.GetAsync("loki/api/v1/labels", ct))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = SignInClient.AntiforgeryToken(page) });
        using var signOut = await browser.PostAsync("account/logout", content, ct);
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);

        using var labels = await copy.GetAsync("loki/api/v1/labels", ct);
        Assert.Equal(HttpStatusCode.Unauthorized, labels.StatusCode);
        using var search = new HttpRequestMessage(HttpMethod.Get, "search");
        search.Headers.Accept.ParseAdd("text/html");
        using var searched = await copy.SendAsync(search, ct);
        Assert.Equal(HttpStatusCode.Redirect, searched.StatusCode);
        Assert.Contains("/logs/account/login", SignInClient.LocationPath(searched), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysCannotBeChecked_WhileTheDatabaseIsDown_Is503WithRetryAfter_Not500()
    {
        var direct = new NpgsqlConnectionStringBuilder(fixture.Database.ConnectionString);
        await using var proxy = TcpProxy.Start(direct.Host!, direct.Port);
        var proxied = new NpgsqlConnectionStringBuilder(fixture.Database.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 3 };
        await using var app = new TestApp(proxied.ConnectionString);
        var token = await app.CreateApiKeyAsync();
        using var client = new LokiPushClient(app, token);

        await proxy.CutAsync();
        using var during = await client.PushJsonAsync(LokiPushClient.PushBody(new Dictionary<string, string> { ["job"] = "outage" }, (LokiPushClient.NowNs, "line")));
        var text = await during.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        proxy.Restore();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), during.Headers.RetryAfter?.Delta);
        Assert.Contains("API keys cannot be checked", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RandomUnknownKeyIds_DoNotGrowTheKeyCacheWithoutBound()
    {
        var authenticator = App.Services.GetRequiredService<ApiKeyAuthenticator>();
        for (var i = 0; i < ApiKeyAuthenticator.MaxCached + 500; i++)
        {
            Assert.Null(await authenticator.VerifyAsync(ApiKeyTokenFor(i), TestContext.Current.CancellationToken));
        }

        Assert.True(authenticator.Cached <= ApiKeyAuthenticator.MaxCached, $"{authenticator.Cached} cached");
    }

    private static string ApiKeyTokenFor(int i) => $"tpl_{i:x12}_{new string('a', 43)}";
}

using TovPlay.Logs.Web.Hosting;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Hosting;

public sealed class CliVerbsTests(WebAppFixture fixture)
{
    private static async Task<(int Exit, string Out, string Err)> RunAsync(string connectionString, string stdin, params string[] args)
    {
        await using var app = AppHost.Build([$"--ConnectionStrings:AppDb={connectionString}"], forCli: true);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliVerbs.RunAsync(app, args, new StringReader(stdin), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Migrate_FreshDatabase_AppliesThenReportsUpToDate()
    {
        await using var database = await TestDatabase.CreateAsync("cli_tests");

        var first = await RunAsync(database.ConnectionString, "", "migrate");
        var second = await RunAsync(database.ConnectionString, "", "migrate");

        Assert.Equal(0, first.Exit);
        Assert.Matches(@"^Applied \d+ migration\(s\): .*_Initial", first.Out);
        Assert.Equal("Schema is up to date.", second.Out.Trim());
    }

    [Fact]
    public async Task CreateUser_GeneratedPassword_PrintedOnceAndSignsIn()
    {
        var email = $"cli-{Guid.NewGuid():N}@tests.tovplay.org";

        var (exit, output, _) = await RunAsync(fixture.Database.ConnectionString, "", "create-user", "--email", email, "--role", "admin");

        Assert.Equal(0, exit);
        var password = output.Split('\n').Single(l => l.StartsWith("Password (shown once): ", StringComparison.Ordinal))["Password (shown once): ".Length..].Trim();
        using var client = await SignInClient.SignedInAsync(fixture.App, new TestUser(email, password));
        using var admin = await client.GetAsync("admin/users", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, admin.StatusCode);
        var row = Assert.Single(await AuditRows.ForTargetAsync(fixture.Database, email), r => r.Action == Domain.Security.AppAuditActions.UserCreated);
        Assert.StartsWith("cli:", row.Actor, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateUser_PasswordFromStdin_IsUsedAndNotPrinted()
    {
        var email = $"cli-{Guid.NewGuid():N}@tests.tovplay.org";

        var (exit, output, _) = await RunAsync(fixture.Database.ConnectionString, "Stdin-Passw0rd-42\n", "create-user", "--email", email, "--role", "Viewer", "--password-stdin");

        Assert.Equal(0, exit);
        Assert.DoesNotContain("Stdin-Passw0rd-42", output, StringComparison.Ordinal);
        using var client = await SignInClient.SignedInAsync(fixture.App, new TestUser(email, "Stdin-Passw0rd-42"));
    }

    [Theory]
    [InlineData(2, "error: create-user needs --email and --role.", "create-user", "--email", "a@b.org")]
    [InlineData(2, "error: unexpected argument '--admin'.", "create-user", "--admin")]
    [InlineData(1, "error: Unknown role 'Root'. Use one of: Viewer, Investigator, Admin.", "create-user", "--email", "a@b.org", "--role", "Root")]
    public async Task CreateUser_BadArguments_ExplainsAndFails(int expectedExit, string expectedError, params string[] args)
    {
        var (exit, _, error) = await RunAsync(fixture.Database.ConnectionString, "", args);

        Assert.Equal(expectedExit, exit);
        Assert.StartsWith(expectedError, error, StringComparison.Ordinal);
    }
}

using System.Security.Claims;
using TovPlay.Logs.Domain.Security;
using TovPlay.Logs.Web.ApiKeys;
using TovPlay.Logs.Web.Audit;
using TovPlay.Logs.Web.Data;
using TovPlay.Logs.Web.Security;
using TovPlay.Logs.Web.Status;

namespace TovPlay.Logs.Web.Hosting;

/// <summary>
/// Verbs of the web app's own executable, for deployments and first setup:
/// <c>migrate</c> applies the schema; <c>create-user --email E --role R [--password-stdin]</c> adds an account;
/// <c>api-key ...</c> provisions keys for log shippers (see <see cref="ApiKeyCli"/>); <c>status</c> checks every source
/// (see <see cref="StatusCli"/>); <c>audit ...</c> installs and reports on the audit trail (see <see cref="AuditCli"/>).
/// </summary>
public static class CliVerbs
{
    public const string Migrate = "migrate";
    public const string CreateUser = "create-user";

    public static bool IsVerb(string[] args) => args.Length > 0 && args[0] is Migrate or CreateUser or ApiKeyCli.Verb or StatusCli.Verb or AuditCli.Verb or "help" or "--help";

    /// <summary>
    /// Whether the verb keeps its data in the app database, which is then brought up to date first (when migrations run
    /// at start). The audit verbs act on the audited database alone and run with no app database configured; status
    /// reports on the app database rather than changing it.
    /// </summary>
    public static bool StoresInAppDatabase(string verb) => verb is CreateUser or ApiKeyCli.Verb;

    public static async Task<int> RunAsync(WebApplication app, string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        // A verb is one unit of work, as a request is: its scoped services come from a scope of its own (Development's
        // host refuses to hand out a scoped service from the root).
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        try
        {
            return args[0] switch
            {
                Migrate => await MigrateAsync(app, stdout),
                CreateUser => await CreateUserAsync(app, args[1..], stdin, stdout, stderr),
                ApiKeyCli.Verb => await ApiKeyCli.RunAsync(services.GetRequiredService<ApiKeyAdministration>(), args[1..], stdout, stderr, CancellationToken.None),
                StatusCli.Verb => await StatusCli.RunAsync(services.GetRequiredService<SourceChecks>(), args[1..], stdout, stderr, CancellationToken.None),
                AuditCli.Verb => await AuditCli.RunAsync(services.GetRequiredService<AuditInstaller>(), services.GetRequiredService<AuditRestore>(), services.GetRequiredService<AuditSeal>(), args[1..], stdout, stderr, CancellationToken.None),
                _ => Usage(stdout, 0),
            };
        }
        catch (Exception ex) when (ex is InvalidOperationException or Npgsql.NpgsqlException)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> MigrateAsync(WebApplication app, TextWriter stdout)
    {
        var applied = await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        await stdout.WriteLineAsync(applied.Count == 0 ? "Schema is up to date." : $"Applied {applied.Count} migration(s): {string.Join(", ", applied)}");
        return 0;
    }

    private static async Task<int> CreateUserAsync(WebApplication app, string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        string? email = null, role = null;
        var passwordFromStdin = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--email" when i + 1 < args.Length: email = args[++i]; break;
                case "--role" when i + 1 < args.Length: role = args[++i]; break;
                case "--password-stdin": passwordFromStdin = true; break;
                default:
                    await stderr.WriteLineAsync($"error: unexpected argument '{args[i]}'.");
                    return Usage(stderr, 2);
            }
        }

        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrWhiteSpace(role))
        {
            await stderr.WriteLineAsync("error: create-user needs --email and --role.");
            return Usage(stderr, 2);
        }

        // A password on the command line would land in shell history and the process list.
        var password = passwordFromStdin ? (await stdin.ReadLineAsync())?.TrimEnd('\r', '\n') : null;
        await using var scope = app.Services.CreateAsyncScope();
        var administration = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        await administration.EnsureRolesAsync();
        var cli = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, $"cli:{Environment.UserName}")], "cli"));
        var result = await administration.CreateAsync(cli, email, role, string.IsNullOrEmpty(password) ? null : password);
        if (!result.Succeeded)
        {
            await stderr.WriteLineAsync($"error: {result.Message}");
            return 1;
        }

        await stdout.WriteLineAsync(result.Message);
        if (result.GeneratedPassword is not null)
        {
            await stdout.WriteLineAsync($"Password (shown once): {result.GeneratedPassword}");
        }

        return 0;
    }

    private static int Usage(TextWriter writer, int exitCode)
    {
        writer.WriteLine("usage: TovPlay.Logs.Web migrate");
        writer.WriteLine($"       TovPlay.Logs.Web create-user --email EMAIL --role {string.Join("|", AppRoles.All)} [--password-stdin]");
        writer.WriteLine(ApiKeyCli.Usage);
        writer.WriteLine(StatusCli.Usage);
        writer.WriteLine(AuditCli.Usage);
        return exitCode;
    }
}

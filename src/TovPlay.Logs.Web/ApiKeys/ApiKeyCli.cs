using System.Globalization;
using System.Security.Claims;

namespace TovPlay.Logs.Web.ApiKeys;

/// <summary>
/// The <c>api-key</c> verb, so a deployment provisions its log shippers without a browser: <c>create --name N --scope
/// push|read ...</c> prints the key once (on its own line, for a script to capture); <c>list</c> shows every key
/// without its secret; <c>revoke</c> takes a key by its key id or by its name (when one live key bears it).
/// </summary>
public static class ApiKeyCli
{
    public const string Verb = "api-key";

    public static readonly string Usage = "       TovPlay.Logs.Web api-key create --name NAME --scope push|read [--scope ...] [--rate BYTES_PER_SECOND]\n"
        + "       TovPlay.Logs.Web api-key list\n"
        + "       TovPlay.Logs.Web api-key revoke (KEY_ID | --name NAME)";

    public static async Task<int> RunAsync(ApiKeyAdministration keys, string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var cli = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, $"cli:{Environment.UserName}")], "cli"));
        return args switch
        {
            ["create", .. var rest] => await CreateAsync(keys, cli, rest, stdout, stderr, cancellationToken),
            ["list"] => await ListAsync(keys, stdout, cancellationToken),
            ["revoke", .. var rest] => await RevokeAsync(keys, cli, rest, stdout, stderr, cancellationToken),
            ["list", var extra, ..] => await FailAsync(stderr, $"unexpected argument '{extra}': list takes none."),
            _ => await FailAsync(stderr, "api-key needs one of create, list, revoke."),
        };
    }

    private static async Task<int> CreateAsync(ApiKeyAdministration keys, ClaimsPrincipal cli, string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        string? name = null;
        int? rate = null;
        bool push = false, read = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--name" when i + 1 < args.Length:
                    name = args[++i];
                    break;
                case "--scope" when i + 1 < args.Length:
                    // "push,read" and repeated --scope both read naturally in a deployment script.
                    foreach (var scope in args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        switch (scope.ToLowerInvariant())
                        {
                            case "push": push = true; break;
                            case "read": read = true; break;
                            default: return await FailAsync(stderr, $"--scope: '{scope}' is not a scope; use push or read.");
                        }
                    }

                    break;
                case "--rate" when i + 1 < args.Length:
                    if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) || bytes <= 0)
                    {
                        return await FailAsync(stderr, $"--rate: '{args[i]}' is not a positive number of bytes per second.");
                    }

                    rate = bytes;
                    break;
                default:
                    return await FailAsync(stderr, $"unexpected argument '{args[i]}'.");
            }
        }

        if (string.IsNullOrWhiteSpace(name) || (!push && !read))
        {
            return await FailAsync(stderr, "api-key create needs --name and at least one --scope (push or read).");
        }

        try
        {
            var created = await keys.CreateAsync(cli, name, push, read, rate, cancellationToken);
            await stderr.WriteLineAsync($"Created API key '{created.Key.Name}' ({created.Key.KeyId}), scopes {Scopes(created.Key)}. The key is printed once, below; it is not stored.");
            await stdout.WriteLineAsync(created.Token);
            return 0;
        }
        catch (ArgumentException ex)
        {
            return await FailAsync(stderr, ex.Message[..(ex.Message.IndexOf(" (Parameter", StringComparison.Ordinal) is var cut and >= 0 ? cut : ex.Message.Length)]);
        }
    }

    private static async Task<int> ListAsync(ApiKeyAdministration keys, TextWriter stdout, CancellationToken cancellationToken)
    {
        var all = await keys.ListAsync(cancellationToken);
        await stdout.WriteLineAsync($"{"KEY ID",-14} {"NAME",-30} {"SCOPES",-10} {"STATE",-8} {"CREATED (UTC)",-20} {"LAST USED (UTC)",-20} CREATED BY");
        foreach (var key in all)
        {
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{key.KeyId,-14} {key.Name,-30} {Scopes(key),-10} {(key.RevokedAt is null ? "active" : "revoked"),-8} {Utc(key.CreatedAt),-20} {(key.LastUsedAt is { } used ? Utc(used) : "never"),-20} {key.CreatedBy}"));
        }

        return 0;
    }

    private static async Task<int> RevokeAsync(ApiKeyAdministration keys, ClaimsPrincipal cli, string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var all = await keys.ListAsync(cancellationToken);
        List<ApiKeySummary> matching;
        switch (args)
        {
            case ["--name", var name]:
                matching = [.. all.Where(k => k.RevokedAt is null && string.Equals(k.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))];
                if (matching.Count > 1)
                {
                    return await FailAsync(stderr, $"{matching.Count} active keys are named '{name}' ({string.Join(", ", matching.Select(k => k.KeyId))}): revoke one by its key id.");
                }

                break;
            case [var keyId] when !keyId.StartsWith("--", StringComparison.Ordinal):
                matching = [.. all.Where(k => string.Equals(k.KeyId, keyId, StringComparison.Ordinal))];
                if (matching is [{ RevokedAt: { } revokedAt }])
                {
                    await stdout.WriteLineAsync($"API key {keyId} was already revoked at {Utc(revokedAt)}.");
                    return 0;
                }

                break;
            default:
                return await FailAsync(stderr, "api-key revoke needs a key id or --name NAME.");
        }

        if (matching.Count == 0)
        {
            return await FailAsync(stderr, "no active key matches; `api-key list` shows them.", exitCode: 1);
        }

        var key = matching[0];
        await keys.RevokeAsync(cli, key.Id, cancellationToken);
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Revoked API key '{key.Name}' ({key.KeyId}): running servers refuse it within {ApiKeyAuthenticator.CacheFor.TotalSeconds:0} s and end the streams it holds within their revalidation interval."));
        return 0;
    }

    private static string Scopes(ApiKeySummary key) => string.Join("+", new[] { key.CanPush ? "push" : null, key.CanRead ? "read" : null }.OfType<string>());

    private static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static async Task<int> FailAsync(TextWriter stderr, string message, int exitCode = 2)
    {
        await stderr.WriteLineAsync("error: " + message);
        return exitCode;
    }
}

using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Web.Audit;

/// <summary>
/// The <c>audit</c> verb: <c>status</c> prints the coverage report; <c>sql</c> prints what an install would run;
/// <c>install</c> and <c>remove</c> act on <c>--all</c> tables or each <c>--table schema.name</c>; <c>restore</c> prints
/// the script that puts back what <c>--statement ID</c> (repeatable) or a whole <c>--tx ID</c> deleted or truncated;
/// <c>seal</c> seals new statements into the hash chain and <c>verify</c> checks it (exit 1 when tampered with).
/// Acts on the database in <c>Audit:TargetConnection</c> (environment <c>Audit__TargetConnection</c>).
/// </summary>
public static class AuditCli
{
    public const string Verb = "audit";

    public static readonly string Usage = "       TovPlay.Logs.Web audit status | sql | install | remove  [--all | --table SCHEMA.NAME ...]\n"
        + "       TovPlay.Logs.Web audit restore (--statement ID ... | --tx ID | --from TIME --to TIME [--table NAME])\n"
        + "       TovPlay.Logs.Web audit seal | verify";

    public static async Task<int> RunAsync(AuditInstaller installer, AuditRestore restore, AuditSeal seal, string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is not ("status" or "sql" or "install" or "remove" or "restore" or "seal" or "verify"))
        {
            await stderr.WriteLineAsync("error: audit needs one of status, sql, install, remove, restore, seal, verify.");
            return 2;
        }

        if (args[0] == "seal")
        {
            long sealedNow = 0, batch;
            while ((batch = await seal.SealAsync(cancellationToken)) > 0)
            {
                sealedNow += batch;
            }

            await stdout.WriteLineAsync($"Sealed {sealedNow} statement(s).");
            return 0;
        }

        if (args[0] == "verify")
        {
            var findings = await seal.VerifyAsync(cancellationToken);
            foreach (var finding in findings.Where(f => !f.Intact))
            {
                await stdout.WriteLineAsync(finding.Describe());
            }

            var broken = findings.Count(f => f.Broken);
            var expired = findings.Count(f => f.Expired);
            await stdout.WriteLineAsync(broken == 0
                ? $"The trail is intact: {findings.Count - expired} seal(s), {findings.Where(f => !f.Expired).Sum(f => f.Checkpoint.Count)} statement(s)"
                  + (expired > 0 ? $"; {expired} older seal(s) past retention." : ".")
                : $"The trail was tampered with: {broken} of {findings.Count} seal(s) broken.");
            return broken == 0 ? 0 : 1;
        }

        if (args[0] == "restore")
        {
            return await RestoreAsync(restore, args[1..], stdout, stderr, cancellationToken);
        }

        var tables = await installer.TablesAsync(cancellationToken);
        if (args[0] == "status")
        {
            foreach (var coverage in await installer.CoverageAsync(cancellationToken))
            {
                await stdout.WriteLineAsync($"{coverage.Table.Display,-40} {coverage.Table.Kind,-12} {coverage.State,-26} {coverage.Reason}");
            }

            return 0;
        }

        var chosen = Choose(tables, args[1..], out var error);
        if (error is not null)
        {
            await stderr.WriteLineAsync("error: " + error);
            return 2;
        }

        switch (args[0])
        {
            case "sql":
                await stdout.WriteAsync(installer.PreviewInstall(chosen));
                break;
            case "install":
                await installer.InstallAsync(chosen, cancellationToken);
                await stdout.WriteLineAsync($"Audit installed (version {AuditSql.Version}) on {chosen.Count} table(s): {string.Join(", ", chosen.Select(t => t.Display))}");
                break;
            default:
                await installer.RemoveAsync(chosen, cancellationToken);
                await stdout.WriteLineAsync($"Audit removed from {chosen.Count} table(s); what was captured is kept.");
                break;
        }

        return 0;
    }

    private static async Task<int> RestoreAsync(AuditRestore restore, string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args is ["--tx", var tx] && long.TryParse(tx, System.Globalization.CultureInfo.InvariantCulture, out var txId))
        {
            await stdout.WriteAsync(await restore.ForTransactionAsync(txId, cancellationToken));
            return 0;
        }

        if (args.Length > 0 && args[0] is "--from" or "--to" or "--table")
        {
            var named = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i + 1 < args.Length; i += 2)
            {
                named[args[i].TrimStart('-')] = args[i + 1];
            }

            if (args.Length % 2 != 0 || named.Keys.Any(k => k is not ("from" or "to" or "table")) || !named.ContainsKey("from"))
            {
                await stderr.WriteLineAsync("error: a window restore needs --from TIME, and takes --to TIME and --table NAME.");
                return 2;
            }

            if (!Domain.Audit.AuditFilter.TryRead(named.GetValueOrDefault, out var window, out var errors))
            {
                await stderr.WriteLineAsync("error: " + string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")));
                return 2;
            }

            await stdout.WriteAsync(await restore.ForFilterAsync(window, cancellationToken));
            return 0;
        }

        var ids = new List<long>();
        for (var i = 0; i < args.Length; i += 2)
        {
            if (args[i] != "--statement" || i + 1 >= args.Length || !long.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                await stderr.WriteLineAsync("error: restore needs --tx ID, or one or more --statement ID.");
                return 2;
            }

            ids.Add(id);
        }

        if (ids.Count == 0)
        {
            await stderr.WriteLineAsync("error: restore needs --tx ID, or one or more --statement ID.");
            return 2;
        }

        await stdout.WriteAsync(await restore.ForStatementsAsync(ids, cancellationToken));
        return 0;
    }

    private static List<AuditedTable> Choose(IReadOnlyList<AuditedTable> tables, string[] args, out string? error)
    {
        error = null;
        if (args is ["--all"])
        {
            return [.. tables];
        }

        var chosen = new List<AuditedTable>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] != "--table" || i + 1 >= args.Length)
            {
                error = $"unexpected argument '{args[i]}': give --all or --table SCHEMA.NAME.";
                return [];
            }

            var name = args[++i];
            var table = tables.FirstOrDefault(t => t.Display == name || (!name.Contains('.', StringComparison.Ordinal) && t.Schema == "public" && t.Name == name));
            if (table is null)
            {
                error = $"no table '{name}' in the audited database.";
                return [];
            }

            chosen.Add(table);
        }

        if (chosen.Count == 0)
        {
            error = "give --all or at least one --table SCHEMA.NAME.";
        }

        return chosen;
    }
}

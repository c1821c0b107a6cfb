using Microsoft.Extensions.Options;
using Npgsql;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.Investigations;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Building;
using TovPlay.Logs.Web.Audit;

namespace TovPlay.Logs.Web.Investigations;

/// <summary>"Errors jumped": the error lines of the window and of as long a window before, and the change lines, read side by side.</summary>
public sealed class ErrorSpikeInvestigator(InvestigationLogs logs, TimeProvider time) : IScenarioInvestigator
{
    public ScenarioKind Kind => ScenarioKind.ErrorSpike;

    public static string ErrorsQuery(ScenarioKind scenario, string? subject) => ActivityQueries.Narrow(ActivityQueries.ErrorLines, scenario, subject).ToString();

    public async Task<ScenarioAnswer> InvestigateAsync(ScenarioQuestion question, CancellationToken cancellationToken)
    {
        var query = ErrorsQuery(question.Scenario, question.Subject);
        var length = question.End - question.Start;
        var errors = logs.ReadAsync(query, question.Start, question.End, cancellationToken);
        var baseline = logs.ReadAsync(query, question.Start - length, question.Start, cancellationToken);
        var changes = logs.ReadAsync(LineFacts.ChangesQuery, question.Start - LineFacts.ChangesLookback, question.End, cancellationToken, limit: 200);
        var (result, recommendations) = ErrorSpikeInvestigation.Analyse(new ErrorEvidence(question.Start, question.End, question.Subject,
            await errors, query, await baseline, await changes, LineFacts.ChangesQuery), time.GetUtcNow());
        return new ScenarioAnswer([], result, recommendations);
    }
}

/// <summary>"An endpoint got slow": the request lines of the window and of as long a window before, and the change lines.</summary>
public sealed class SlowApiInvestigator(InvestigationLogs logs, TimeProvider time) : IScenarioInvestigator
{
    public ScenarioKind Kind => ScenarioKind.SlowApi;

    public async Task<ScenarioAnswer> InvestigateAsync(ScenarioQuestion question, CancellationToken cancellationToken)
    {
        var query = ActivityQueries.Narrow(LogQueryBuilder.Stream("job", "tovplay-backend"), question.Scenario, question.Subject)
            .Filter(new StringLabelFilter("duration_ms", MatchOperator.NotEqual, "")).ToString();
        var length = question.End - question.Start;
        var requests = logs.ReadAsync(query, question.Start, question.End, cancellationToken);
        var baseline = logs.ReadAsync(query, question.Start - length, question.Start, cancellationToken);
        var changes = logs.ReadAsync(LineFacts.ChangesQuery, question.Start - LineFacts.ChangesLookback, question.End, cancellationToken, limit: 200);
        var (result, recommendations) = SlowApiInvestigation.Analyse(new SlowApiEvidence(question.Start, question.End, question.Subject,
            await requests, query, await baseline, await changes, LineFacts.ChangesQuery), time.GetUtcNow());
        return new ScenarioAnswer([], result, recommendations);
    }
}

/// <summary>
/// "An account did things its owner would not": its lines, its earlier sign-ins, the statements made as it (from the
/// lead-up on), the addresses the audit trail saw it change data from before, and what its UPDATEs changed.
/// </summary>
public sealed class AccountInvestigator(InvestigationLogs logs, IOptions<AuditOptions> audit, IOptions<InvestigationOptions> options, AuditReader reader, TimeProvider time)
    : IScenarioInvestigator
{
    /// <summary>Loki refuses queries longer than 30 days (its default max_query_length is 721h).</summary>
    private const int MaxLookbackDays = 30;

    /// <summary>A takeover leads up to what it breaks: the account's lines and changes are read from this long before the window.</summary>
    public static readonly TimeSpan LeadUp = TimeSpan.FromHours(1);

    /// <summary>
    /// How long after the window the account's lines are still read: what a window ends with (failed sign-ins, a
    /// password change) is often followed, minutes later, by what it led to (the sign-in that worked, the deletes).
    /// </summary>
    public static readonly TimeSpan FollowUp = TimeSpan.FromMinutes(15);

    /// <summary>How many of the account's UPDATEs have their rows read for credential changes, the latest first.</summary>
    private const int MaxUpdatesRead = 20;

    public ScenarioKind Kind => ScenarioKind.SuspiciousAccount;

    public async Task<ScenarioAnswer> InvestigateAsync(ScenarioQuestion question, CancellationToken cancellationToken)
    {
        var user = question.Subject ?? throw new InvalidOperationException("An account investigation needs a username.");
        var days = Math.Min(options.Value.LookbackDays, MaxLookbackDays);
        var linesQuery = ActivityQueries.ApplicationLines.Json().Label("username", user).ToString();
        var priorQuery = LogQueryBuilder.Stream("job", "tovplay-backend").Json().Label("username", user).Label("action", "LOGIN").ToString();
        var from = question.Start - LeadUp;
        var lines = logs.ReadAsync(linesQuery, from, question.End + FollowUp, cancellationToken);
        var prior = logs.ReadAsync(priorQuery, from.AddDays(-days), from, cancellationToken);
        var failedQuery = LogQueryBuilder.Stream("job", "tovplay-backend").Contains("LOGIN_FAILED").Json().Label("action", "LOGIN_FAILED").ToString();
        var failed = logs.ReadAsync(failedQuery, from, question.End + FollowUp, cancellationToken);
        var trail = audit.Value.IsConfigured ? TrailAsync(user, from, question.End + FollowUp, days, cancellationToken) : Task.FromResult(new AuditedAccount([], [], "", null));
        var found = await trail;
        var changes = await Task.WhenAll(found.Statements.Where(s => s.Changes).OrderByDescending(s => s.Id).Take(MaxUpdatesRead)
            .Select(async s => (s.Id, Changes: await reader.ChangesAsync(s, cancellationToken))));
        var evidence = new AccountEvidence(user, from, question.End, days, await lines, linesQuery, await prior, priorQuery, found.Statements)
        {
            WindowStart = question.Start,
            PriorAddresses = found.PriorAddresses,
            PriorAddressesQuery = found.PriorQuery,
            TrailSince = found.TrailSince,
            Changes = changes.ToDictionary(c => c.Id, c => c.Changes),
            Credentials = options.Value.Credentials,
            FailedSignIns = await failed,
            FailedSignInsQuery = failedQuery,
        };
        var (result, recommendations) = AccountInvestigation.Analyse(evidence, time.GetUtcNow());
        if (!audit.Value.IsConfigured)
        {
            result = result with { Unknowns = [.. result.Unknowns, new Unknown(InvestigationStep.What, $"the data changes made as {user}", "no audited database is configured (Audit:TargetConnection)")] };
        }

        var incident = result.Incident?.ToHashSet();
        return new ScenarioAnswer([.. found.Statements.Where(s => s.Restorable && (incident is null || incident.Contains(s.Id)))], result, recommendations);
    }

    /// <summary>What the audit trail holds of the account: its statements in reach, the addresses it changed data from before, and the trail's age.</summary>
    private sealed record AuditedAccount(IReadOnlyList<AuditStatement> Statements, IReadOnlyList<UsedAddress> PriorAddresses, string PriorQuery, DateTimeOffset? TrailSince);

    private async Task<AuditedAccount> TrailAsync(string user, DateTimeOffset from, DateTimeOffset to, int days, CancellationToken cancellationToken)
    {
        await using var connection = await AuditDatabase.OpenAsync(audit.Value, cancellationToken);
        var statements = await AuditDatabase.StatementsAsync(connection, audit.Value.Schema,
            "(app_username = @user OR app_user_id = @user) AND statement_at >= @from AND statement_at < @to", p =>
            {
                p.AddWithValue("user", user);
                p.AddWithValue("from", from);
                p.AddWithValue("to", to);
            }, cancellationToken, WipeInvestigator.MaxStatements);

        var table = SqlText.Qualified(audit.Value.Schema, "statements");
        var sql = $"""
            SELECT app_client_ip, count(*), max(statement_at) FROM {table}
            WHERE (app_username = @user OR app_user_id = @user) AND app_client_ip IS NOT NULL AND statement_at >= @since AND statement_at < @from
            GROUP BY 1 ORDER BY 3 DESC LIMIT 50
            """;
        var prior = new List<UsedAddress>();
        await using (var command = new NpgsqlCommand(sql, connection))
        {
            command.Parameters.AddWithValue("user", user);
            command.Parameters.AddWithValue("since", from.AddDays(-days));
            command.Parameters.AddWithValue("from", from);
            await using var rows = await command.ExecuteReaderAsync(cancellationToken);
            while (await rows.ReadAsync(cancellationToken))
            {
                prior.Add(new UsedAddress(rows.GetString(0), rows.GetInt64(1), rows.GetFieldValue<DateTimeOffset>(2)));
            }
        }

        var began = await AuditDatabase.TrailSinceAsync(connection, audit.Value.Schema, cancellationToken);
        var shown = AuditDatabase.Shown(sql, ("user", SqlText.Literal(user)), ("since", AuditDatabase.TimeLiteral(from.AddDays(-days))), ("from", AuditDatabase.TimeLiteral(from)));
        return new AuditedAccount(statements, prior, shown, began);
    }
}

/// <summary>"Something is off": the errors of the window and the rows removed in it, each answered as its own scenario would, side by side.</summary>
public sealed class FreeInvestigator(ErrorSpikeInvestigator errors, WipeInvestigator wipes, IOptions<AuditOptions> audit) : IScenarioInvestigator
{
    public ScenarioKind Kind => ScenarioKind.Free;

    public async Task<ScenarioAnswer> InvestigateAsync(ScenarioQuestion question, CancellationToken cancellationToken)
    {
        var errorAnswer = errors.InvestigateAsync(question, cancellationToken);
        var wipeAnswer = audit.Value.IsConfigured
            ? wipes.InvestigateAsync(question with { Subject = null }, cancellationToken)
            : Task.FromResult(new ScenarioAnswer([], new InvestigationResult([],
                [new Unknown(InvestigationStep.What, "rows removed in the window", "no audited database is configured (Audit:TargetConnection)")]), []));
        var (e, w) = (await errorAnswer, await wipeAnswer);
        return new ScenarioAnswer(w.Statements,
            new InvestigationResult([.. w.Result.Findings, .. e.Result.Findings], [.. w.Result.Unknowns, .. e.Result.Unknowns]),
            [.. e.Recommendations, .. w.Recommendations]);
    }
}

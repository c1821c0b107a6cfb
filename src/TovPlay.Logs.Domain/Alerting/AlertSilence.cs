namespace TovPlay.Logs.Domain.Alerting;

public enum SilenceState
{
    Pending,
    Active,
    Expired,
}

/// <summary>
/// A silence as Alertmanager has it: alerts whose labels match every matcher are not notified between its start and
/// end. Expiring one early moves its end to now.
/// </summary>
public sealed record AlertSilence(Guid Id, IReadOnlyList<AlertMatcher> Matchers, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Comment, string CreatedBy)
{
    public const int MaxComment = 1000;

    public SilenceState StateAt(DateTimeOffset now) => now < StartsAt ? SilenceState.Pending : now < EndsAt ? SilenceState.Active : SilenceState.Expired;

    public bool Mutes(Logs.LabelSet labels, DateTimeOffset now) => StateAt(now) == SilenceState.Active && Matchers.All(m => m.Matches(labels));

    /// <summary>Alertmanager's rules for a new or edited silence, by field.</summary>
    public static IReadOnlyList<FieldProblem> Problems(IReadOnlyList<AlertMatcher> matchers, DateTimeOffset startsAt, DateTimeOffset endsAt, string comment, DateTimeOffset now)
    {
        var problems = new List<FieldProblem>();
        if (matchers.Count == 0)
        {
            problems.Add(new FieldProblem("Matchers", "A silence needs at least one matcher."));
        }
        else if (matchers.Select(m => m.Problem()).FirstOrDefault(p => p is not null) is { } bad)
        {
            problems.Add(new FieldProblem("Matchers", bad));
        }
        else if (matchers.All(m => m.Matches(Logs.LabelSet.Empty)))
        {
            // Such a silence would mute every alert, as Alertmanager warns.
            problems.Add(new FieldProblem("Matchers", "At least one matcher must not match an empty value, or the silence would mute every alert."));
        }

        if (endsAt <= startsAt)
        {
            problems.Add(new FieldProblem("EndsAt", "The end must come after the start."));
        }
        else if (endsAt <= now)
        {
            problems.Add(new FieldProblem("EndsAt", "The end is already past."));
        }

        if (string.IsNullOrWhiteSpace(comment))
        {
            problems.Add(new FieldProblem("Comment", "Say why: the comment is what the next person on call reads."));
        }
        else if (comment.Length > MaxComment)
        {
            problems.Add(new FieldProblem("Comment", $"At most {MaxComment:N0} characters."));
        }

        return problems;
    }
}

using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Parsing;

namespace TovPlay.Logs.Domain.LogQL.Building;

/// <summary>
/// Builds log queries from parts, so no UI ever concatenates LogQL text. Values are carried in the AST and
/// quoted by the printer; text meant literally inside a regex is escaped with <see cref="RegexLiteral"/>.
/// Each call returns a new builder: a builder can be shared and extended safely.
/// </summary>
public sealed class LogQueryBuilder
{
    private readonly IReadOnlyList<LabelMatcher> _matchers;
    private readonly IReadOnlyList<PipelineStage> _stages;

    private LogQueryBuilder(IReadOnlyList<LabelMatcher> matchers, IReadOnlyList<PipelineStage> stages)
    {
        _matchers = matchers;
        _stages = stages;
    }

    /// <summary>Starts from <c>{name="value"}</c>.</summary>
    public static LogQueryBuilder Stream(string name, string value) => new LogQueryBuilder([], []).Where(name, MatchOperator.Equal, value);

    /// <summary>Starts from <c>{job=~".+"}</c>: every stream that has a job, the widest selector LogQL allows.</summary>
    public static LogQueryBuilder AnyJob() => new LogQueryBuilder([], []).Where("job", MatchOperator.Regex, ".+");

    /// <summary><c>{name=~"regex"}</c>: the streams whose label matches (the regex must not match the empty string).</summary>
    public static LogQueryBuilder StreamMatching(string name, string regex) => new LogQueryBuilder([], []).Where(name, MatchOperator.Regex, regex);

    /// <summary>Starts from a parsed or built log query, to extend it.</summary>
    public static LogQueryBuilder From(LogQueryExpr query) => new(query.Selector.Matchers, query.Pipeline);

    public LogQueryBuilder Where(string name, MatchOperator op, string value)
    {
        LabelName.Require(name, nameof(name));
        ArgumentNullException.ThrowIfNull(value);
        RequireRegexIfNeeded(op, value);
        return new([.. _matchers, new LabelMatcher(name, op, value)], _stages);
    }

    /// <summary><c>{name=~"a|b|c"}</c> matching exactly one of the literal values.</summary>
    public LogQueryBuilder WhereAny(string name, IEnumerable<string> values) =>
        Where(name, MatchOperator.Regex, RegexLiteral.AnyOf(values));

    public LogQueryBuilder Contains(string text) => AddLine(LineFilterOperator.Contains, text);

    public LogQueryBuilder ContainsAny(params IEnumerable<string> texts) =>
        Add(new LineFilterStage(LineFilterOperator.Contains, ValueList.Of(texts.Select(t => new LineFilterValue(t)))));

    public LogQueryBuilder NotContains(string text) => AddLine(LineFilterOperator.NotContains, text);

    /// <summary><c>|~</c> with a regex written by the caller; refused if RE2 would refuse it.</summary>
    public LogQueryBuilder MatchesRegex(string pattern)
    {
        RequireRegexIfNeeded(MatchOperator.Regex, pattern);
        return AddLine(LineFilterOperator.Regex, pattern);
    }

    /// <summary><c>|~</c> matching the literal text anywhere in the line (case-insensitive when asked).</summary>
    public LogQueryBuilder MatchesLiteral(string text, bool ignoreCase = false) =>
        AddLine(LineFilterOperator.Regex, (ignoreCase ? "(?i)" : "") + RegexLiteral.Escape(text));

    public LogQueryBuilder NotMatchesRegex(string pattern)
    {
        RequireRegexIfNeeded(MatchOperator.Regex, pattern);
        return AddLine(LineFilterOperator.NotRegex, pattern);
    }

    public LogQueryBuilder LineFromIp(string ipPattern)
    {
        if (!IpPattern.IsValid(ipPattern))
        {
            throw new ArgumentException($"'{ipPattern}' is not an address, range or CIDR.", nameof(ipPattern));
        }

        return Add(new LineFilterStage(LineFilterOperator.Contains, ValueList.Of(new LineFilterValue(ipPattern, IsIp: true))));
    }

    public LogQueryBuilder Json(params IEnumerable<(string Label, string? Expression)> extractions) =>
        Add(new JsonParserStage(Extractions(extractions)));

    public LogQueryBuilder Logfmt(bool strict = false, bool keepEmpty = false) =>
        Add(new LogfmtParserStage(strict, keepEmpty, ValueList<LabelExtraction>.Empty));

    public LogQueryBuilder Regexp(string pattern)
    {
        RequireRegexIfNeeded(MatchOperator.Regex, pattern);
        return Add(new RegexpParserStage(pattern));
    }

    public LogQueryBuilder Pattern(string pattern) =>
        PatternSyntax.TryValidate(pattern, out var error) ? Add(new PatternParserStage(pattern)) : throw new ArgumentException(error, nameof(pattern));

    /// <summary><c>| name="value"</c> (or another string operator).</summary>
    public LogQueryBuilder Label(string name, string value, MatchOperator op = MatchOperator.Equal)
    {
        RequireRegexIfNeeded(op, value);
        return AddFilter(new StringLabelFilter(LabelName.Require(name, nameof(name)), op, value ?? throw new ArgumentNullException(nameof(value))));
    }

    /// <summary><c>| name=~"..."</c> matching exactly the literal value (label regexes are anchored).</summary>
    public LogQueryBuilder LabelEqualsLiteralRegex(string name, string literal) =>
        Label(name, RegexLiteral.Escape(literal), MatchOperator.Regex);

    /// <summary><c>| name=~"(?i).*text.*"</c>: the label contains the literal text.</summary>
    public LogQueryBuilder LabelContains(string name, string text, bool ignoreCase = true) =>
        Label(name, (ignoreCase ? "(?i)" : "") + ".*" + RegexLiteral.Escape(text) + ".*", MatchOperator.Regex);

    public LogQueryBuilder LabelAny(string name, IEnumerable<string> values) =>
        Label(name, RegexLiteral.AnyOf(values), MatchOperator.Regex);

    // A number, duration or address comparison keeps the lines a parser could not read (Loki's rule: only string
    // matchers take lines in error out), and a metric over them then fails: a built comparison drops them first.
    public LogQueryBuilder LabelNumber(string name, CompareOperator op, double value) =>
        double.IsFinite(value)
            ? ParsedOnly().AddFilter(new NumberLabelFilter(LabelName.Require(name, nameof(name)), op, value))
            : throw new ArgumentOutOfRangeException(nameof(value), "A label filter compares with a finite number.");

    public LogQueryBuilder LabelDuration(string name, CompareOperator op, TimeSpan value) =>
        ParsedOnly().AddFilter(new DurationLabelFilter(LabelName.Require(name, nameof(name)), op, LogQLDuration.From(value)));

    public LogQueryBuilder LabelIp(string name, string ipPattern, bool negated = false) =>
        IpPattern.IsValid(ipPattern)
            ? ParsedOnly().AddFilter(new IpLabelFilter(LabelName.Require(name, nameof(name)), negated, ipPattern))
            : throw new ArgumentException($"'{ipPattern}' is not an address, range or CIDR.", nameof(ipPattern));

    /// <summary><c>| __error__=""</c> after a parser that can fail, unless the pipeline already ends with it.</summary>
    private LogQueryBuilder ParsedOnly() =>
        _stages.Any(s => s is JsonParserStage or LogfmtParserStage or UnpackParserStage)
        && _stages[^1] is not LabelFilterStage { Filter: StringLabelFilter { Label: "__error__", Operator: MatchOperator.Equal, Value: "" } }
            ? WithoutErrors()
            : this;

    /// <summary>Adds any filter tree (for or-combinations built with <see cref="LabelFilters"/>).</summary>
    public LogQueryBuilder Filter(LabelFilter filter) => AddFilter(filter);

    /// <summary><c>| __error__=""</c>: drops lines a parser could not read.</summary>
    public LogQueryBuilder WithoutErrors() => AddFilter(new StringLabelFilter("__error__", MatchOperator.Equal, ""));

    public LogQueryBuilder LineFormat(string template) =>
        TemplateSyntax.TryValidate(template, out var error) ? Add(new LineFormatStage(template)) : throw new ArgumentException(error, nameof(template));

    public LogQueryBuilder Drop(params IEnumerable<string> labels) =>
        Add(new DropStage(ValueList.Of(labels.Select(l => new LabelSelection(LabelName.Require(l, nameof(labels)))))));

    public LogQueryBuilder Keep(params IEnumerable<string> labels) =>
        Add(new KeepStage(ValueList.Of(labels.Select(l => new LabelSelection(LabelName.Require(l, nameof(labels)))))));

    public LogQueryBuilder Decolorize() => Add(new DecolorizeStage());

    /// <summary>Appends stages as they are (what a picker keeps of a query it does not show).</summary>
    public LogQueryBuilder Then(IEnumerable<PipelineStage> stages) => new(_matchers, [.. _stages, .. stages]);

    public LogQueryExpr Build()
    {
        var query = new LogQueryExpr(new StreamSelector(new ValueList<LabelMatcher>(_matchers)), new ValueList<PipelineStage>(_stages));
        if (_matchers.All(Parser.MatchesEmpty))
        {
            // Loki refuses a selector that every stream matches; fail here, where the caller can say which part is missing.
            throw new InvalidOperationException("A log query needs at least one matcher with a non-empty value, e.g. job=\"tovplay-backend\".");
        }

        return query;
    }

    public override string ToString() => LogQLQuery.Print(Build());

    private LogQueryBuilder AddLine(LineFilterOperator op, string text) =>
        Add(new LineFilterStage(op, ValueList.Of(new LineFilterValue(text ?? throw new ArgumentNullException(nameof(text))))));

    private LogQueryBuilder AddFilter(LabelFilter filter) => Add(new LabelFilterStage(filter));

    private LogQueryBuilder Add(PipelineStage stage) => new(_matchers, [.. _stages, stage]);

    private static ValueList<LabelExtraction> Extractions(IEnumerable<(string Label, string? Expression)> items) =>
        ValueList.Of(items.Select(i => new LabelExtraction(LabelName.Require(i.Label, nameof(items)), i.Expression)));

    private static void RequireRegexIfNeeded(MatchOperator op, string value)
    {
        if (op is MatchOperator.Regex or MatchOperator.NotRegex && !RegexSyntax.TryTranslate(value, out _, out var error))
        {
            throw new ArgumentException($"invalid regex \"{value}\": {error}", nameof(value));
        }
    }
}

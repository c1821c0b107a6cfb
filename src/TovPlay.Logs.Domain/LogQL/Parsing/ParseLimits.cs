namespace TovPlay.Logs.Domain.LogQL.Parsing;

/// <summary>
/// How large a query may be. The parser, the printer and the evaluator walk the tree recursively, so a query
/// nested thousands deep would end the process with a stack overflow; these bounds keep every walk shallow.
/// Loki has none of these (Go's stacks grow), and no real query comes near them.
/// </summary>
public sealed record ParseLimits
{
    /// <summary>The most characters a query may have.</summary>
    public int MaxLength { get; init; } = 65_536;

    /// <summary>The deepest nesting of parentheses and function calls.</summary>
    public int MaxNesting { get; init; } = 64;

    /// <summary>The most binary and label-filter operators (<c>+</c>, <c>or</c>, <c>and</c>, <c>,</c>) in one query.</summary>
    public int MaxOperators { get; init; } = 512;

    /// <summary>Beyond these the walks themselves are at risk, so no configuration may raise a limit past them.</summary>
    public static readonly ParseLimits Ceiling = new() { MaxLength = 1 << 20, MaxNesting = 256, MaxOperators = 1024 };

    public static readonly ParseLimits Default = new();

    /// <summary>These limits, none past <see cref="Ceiling"/>.</summary>
    public ParseLimits Capped() => new()
    {
        MaxLength = Math.Clamp(MaxLength, 1, Ceiling.MaxLength),
        MaxNesting = Math.Clamp(MaxNesting, 1, Ceiling.MaxNesting),
        MaxOperators = Math.Clamp(MaxOperators, 0, Ceiling.MaxOperators),
    };
}

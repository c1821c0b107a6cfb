using System.Globalization;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation.Stages;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Queries;

/// <summary>A typed, validated input of a library query. <see cref="Default"/> null means the operator must give it.</summary>
public sealed record QueryParameter(string Name, string Label, ParameterKind Kind, string? Default, string Help, double Min = 0, double Max = double.MaxValue)
{
    public const int MaxTextLength = 256;

    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(30);

    public bool Required => Default is null;

    /// <summary>Null when the value is acceptable; otherwise why not, naming the field.</summary>
    public string? Validate(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Required ? $"{Label} is required." : null;
        }

        if (value.Length > MaxTextLength)
        {
            return $"{Label} is longer than {MaxTextLength} characters.";
        }

        return Kind switch
        {
            ParameterKind.Text or ParameterKind.Username => value.Any(char.IsControl) ? $"{Label} must not contain control characters." : null,
            ParameterKind.IpAddress => IpMatcher.TryParseStrict(value.Trim(), out _) ? null : $"{Label}: '{value}' is not an IP address.",
            ParameterKind.CorrelationId => CorrelationId.IsValid(value.Trim()) ? null : $"{Label}: '{value}' is not a correlation id (letters, digits, - _ . : up to {CorrelationId.MaxLength}).",
            ParameterKind.TableName => IsTableName(value.Trim()) ? null : $"{Label}: '{value}' is not a table name (letters, digits and _, optionally schema.table).",
            ParameterKind.Identifier => LogQL.Building.LabelName.IsValid(value.Trim()) ? null : $"{Label}: '{value}' may hold only letters, digits and _.",
            ParameterKind.Duration => ValidateDuration(value.Trim()),
            ParameterKind.Number => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n)
                ? n < Min || n > Max ? $"{Label} must be between {Min.ToString(CultureInfo.InvariantCulture)} and {Max.ToString(CultureInfo.InvariantCulture)}." : null
                : $"{Label}: '{value}' is not a number.",
            _ => null,
        };
    }

    private string? ValidateDuration(string value)
    {
        if (!LogQLDuration.TryParse(value, out var duration) || duration.Nanoseconds <= 0)
        {
            return $"{Label}: '{value}' is not a duration such as 5m, 1h or 1d.";
        }

        return duration.ToTimeSpan() > MaxDuration ? $"{Label} is longer than {MaxDuration.TotalDays} days." : null;
    }

    private static bool IsTableName(string value) =>
        value.Split('.') is { Length: 1 or 2 } parts && parts.All(p => p.Length is > 0 and <= 63 && LogQL.Building.LabelName.IsValid(p));
}

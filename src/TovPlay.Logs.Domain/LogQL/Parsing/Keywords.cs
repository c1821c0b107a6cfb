using TovPlay.Logs.Domain.LogQL.Ast;

namespace TovPlay.Logs.Domain.LogQL.Parsing;

/// <summary>The words LogQL gives meaning to, and the functions they name.</summary>
internal static class Keywords
{
    public static readonly IReadOnlyDictionary<string, RangeOperation> RangeOperations = new Dictionary<string, RangeOperation>(StringComparer.OrdinalIgnoreCase)
    {
        ["count_over_time"] = RangeOperation.CountOverTime,
        ["rate"] = RangeOperation.Rate,
        ["rate_counter"] = RangeOperation.RateCounter,
        ["bytes_over_time"] = RangeOperation.BytesOverTime,
        ["bytes_rate"] = RangeOperation.BytesRate,
        ["sum_over_time"] = RangeOperation.SumOverTime,
        ["avg_over_time"] = RangeOperation.AvgOverTime,
        ["min_over_time"] = RangeOperation.MinOverTime,
        ["max_over_time"] = RangeOperation.MaxOverTime,
        ["stddev_over_time"] = RangeOperation.StddevOverTime,
        ["stdvar_over_time"] = RangeOperation.StdvarOverTime,
        ["quantile_over_time"] = RangeOperation.QuantileOverTime,
        ["first_over_time"] = RangeOperation.FirstOverTime,
        ["last_over_time"] = RangeOperation.LastOverTime,
        ["absent_over_time"] = RangeOperation.AbsentOverTime,
    };

    public static readonly IReadOnlyDictionary<string, VectorOperation> VectorOperations = new Dictionary<string, VectorOperation>(StringComparer.OrdinalIgnoreCase)
    {
        ["sum"] = VectorOperation.Sum,
        ["avg"] = VectorOperation.Avg,
        ["min"] = VectorOperation.Min,
        ["max"] = VectorOperation.Max,
        ["count"] = VectorOperation.Count,
        ["stddev"] = VectorOperation.Stddev,
        ["stdvar"] = VectorOperation.Stdvar,
        ["topk"] = VectorOperation.Topk,
        ["bottomk"] = VectorOperation.Bottomk,
        ["sort"] = VectorOperation.Sort,
        ["sort_desc"] = VectorOperation.SortDesc,
    };

    public static string NameOf(RangeOperation op) => RangeOperations.First(p => p.Value == op).Key;

    public static string NameOf(VectorOperation op) => VectorOperations.First(p => p.Value == op).Key;

    /// <summary>
    /// Words that are keywords wherever they stand, in any case, as in Loki's lexer: they can never name a label.
    /// Function names (rate, sum, vector, bytes, ip, label_replace, ...) are keywords only before a parenthesis, so
    /// <c>| ip="10.0.0.1"</c> filters a label called ip.
    /// </summary>
    private static readonly HashSet<string> s_reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "and", "or", "unless",
        "json", "logfmt", "regexp", "pattern", "unpack", "line_format", "label_format", "drop", "keep", "decolorize",
        "unwrap",
    };

    private static readonly HashSet<string> s_functions = new(StringComparer.OrdinalIgnoreCase)
    {
        "vector", "duration", "duration_seconds", "bytes", "ip", "label_replace",
    };

    public static bool IsReserved(string word) => s_reserved.Contains(word);

    public static bool IsKeyword(string word) =>
        s_reserved.Contains(word) || s_functions.Contains(word) || RangeOperations.ContainsKey(word) || VectorOperations.ContainsKey(word);

    /// <summary>Every function name, for "did you mean" hints.</summary>
    public static IEnumerable<string> FunctionNames =>
        RangeOperations.Keys.Concat(VectorOperations.Keys).Append("vector").Append("label_replace");
}

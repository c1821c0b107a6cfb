namespace TovPlay.Logs.Domain.Ingest;

/// <summary>The levels a browser line may have, as the <c>level</c> label holds them (one spelling each).</summary>
public static class FrontendLevels
{
    public const string Default = "info";

    private static readonly Dictionary<string, string> s_known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["trace"] = "trace", ["debug"] = "debug", ["info"] = "info", ["log"] = "info", ["information"] = "info",
        ["warn"] = "warn", ["warning"] = "warn", ["error"] = "error", ["fatal"] = "fatal", ["critical"] = "fatal",
    };

    public const string Names = "trace, debug, info (or log), warn (or warning), error, fatal (or critical)";

    /// <summary>The label value for a level as a logger spelled it; null when it is none.</summary>
    public static string? Normalize(string level) => s_known.GetValueOrDefault(level.Trim());
}

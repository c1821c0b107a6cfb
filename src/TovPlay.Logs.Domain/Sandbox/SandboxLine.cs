using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Sandbox;

/// <summary>
/// A line the sandbox ships: when, and the stream it belongs to (the labels of DESIGN.md §3: job, service, level; env
/// is always "sandbox"), and the JSON line with its <c>ts</c> set to the same moment.
/// </summary>
public sealed record SandboxLine(DateTimeOffset At, string Job, string Service, string Level, string Line)
{
    public const string Env = "sandbox";

    public LabelSet Labels => LabelSet.From(("job", Job), ("env", Env), ("service", Service), ("level", Level));

    public long TimestampNs => (At - DateTimeOffset.UnixEpoch).Ticks * 100;

    /// <summary>A JSON line whose first field is its time, as the backend's and the frontend's loggers write it.</summary>
    public static SandboxLine Json(DateTimeOffset at, string job, string service, string level, JsonObject fields)
    {
        var line = new JsonObject { ["ts"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), ["level"] = level };
        foreach (var (name, value) in fields)
        {
            if (name is not ("ts" or "level"))
            {
                line[name] = value?.DeepClone();
            }
        }

        line["service"] ??= service;
        line["env"] ??= Env;
        return new SandboxLine(at, job, service, level, line.ToJsonString(s_options));
    }

    private static readonly JsonSerializerOptions s_options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

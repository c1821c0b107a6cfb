using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TovPlay.Logs.Domain.Ingest;

/// <summary>
/// A batch of browser lines: <c>{"entries": [{"ts": …, "level": …, "message": …, …}], "session": "…"}</c>, as the
/// frontend logger posts it or <c>sendBeacon</c> sends it. Read whole or refused whole, with every problem named by
/// where it is (<c>entries[3].level</c>), so a client's mistake is found at once and nothing half-written is stored.
/// </summary>
public sealed record FrontendBatch(IReadOnlyList<FrontendEntry> Entries, string? Session)
{
    private const int MaxProblems = 10;

    private static readonly JsonDocumentOptions s_json = new() { MaxDepth = 16 };

    /// <summary>The batch, or why it cannot be taken (at most ten problems, the first ones).</summary>
    public static (FrontendBatch? Batch, IReadOnlyList<string> Problems) Read(ReadOnlyMemory<byte> body, FrontendLimits limits, DateTimeOffset now)
    {
        // A byte order mark some clients put first is not part of the JSON.
        if (body.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            body = body[3..];
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, s_json);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}, column {(ex.BytePositionInLine ?? 0) + 1}" : "";
            return (null, [$"body: not JSON{where}: {FirstSentence(ex.Message)}"]);
        }

        using (document)
        {
            var problems = new List<string>();
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, [$"body: must be a JSON object with an \"entries\" array, not {Kind(root)}"]);
            }

            // Text that is not Unicode (a lone surrogate escape such as \ud83d, or bytes that are not UTF-8) cannot be
            // stored or searched: named where it is before anything reads it.
            CheckText(root, "body", problems);
            if (problems.Count > 0)
            {
                return (null, problems.Take(MaxProblems).ToList());
            }

            string? session = null;
            if (root.TryGetProperty("session", out var sessionValue) && sessionValue.ValueKind != JsonValueKind.Null)
            {
                if (sessionValue.ValueKind != JsonValueKind.String)
                {
                    problems.Add($"session: must be a string (the token the backend signed), not {Kind(sessionValue)}");
                }
                else if (sessionValue.GetString()!.Length > SessionToken.MaxLength)
                {
                    problems.Add($"session: {sessionValue.GetString()!.Length:N0} characters; a session token has at most {SessionToken.MaxLength:N0}");
                }
                else if (sessionValue.GetString() is { } token && !string.IsNullOrWhiteSpace(token))
                {
                    // An empty one is none: it must not hide a token sent in the header.
                    session = token;
                }
            }

            string? batchEnv = null;
            if (root.TryGetProperty("env", out var envValue))
            {
                batchEnv = Env(envValue, "env", limits, problems);
            }

            if (!root.TryGetProperty("entries", out var entries))
            {
                problems.Add("entries: missing; send {\"entries\": [{\"message\": \"…\"}]}");
                return (null, problems);
            }

            if (entries.ValueKind != JsonValueKind.Array)
            {
                problems.Add($"entries: must be an array, not {Kind(entries)}");
                return (null, problems);
            }

            var count = entries.GetArrayLength();
            if (count == 0)
            {
                problems.Add("entries: empty; send at least one entry");
            }
            else if (count > limits.MaxEntries)
            {
                problems.Add($"entries: {count:N0} entries; a batch holds at most {limits.MaxEntries:N0} (send several batches)");
            }

            if (problems.Count > 0)
            {
                return (null, problems);
            }

            var accepted = new List<FrontendEntry>(count);
            var index = 0;
            foreach (var entry in entries.EnumerateArray())
            {
                if (ReadEntry(entry, $"entries[{index}]", batchEnv, limits, now, problems) is { } read)
                {
                    accepted.Add(read);
                }

                index++;
                if (problems.Count >= MaxProblems)
                {
                    break;
                }
            }

            return problems.Count > 0 ? (null, problems.Take(MaxProblems).ToList()) : (new FrontendBatch(accepted, session), []);
        }
    }

    private static FrontendEntry? ReadEntry(JsonElement entry, string at, string? batchEnv, FrontendLimits limits, DateTimeOffset now, List<string> problems)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{at}: must be an object, not {Kind(entry)}");
            return null;
        }

        var before = problems.Count;
        string? message = null;
        string? seenMessageName = null;
        var level = FrontendLevels.Default;
        var env = batchEnv ?? limits.Environments[0];
        var time = now;
        string? clientTime = null;
        var fields = new JsonObject();
        var fieldCount = 0;
        foreach (var property in entry.EnumerateObject())
        {
            var name = property.Name;
            var value = property.Value;
            var path = $"{at}.{name}";
            switch (name)
            {
                case "message" or "msg":
                    if (value.ValueKind != JsonValueKind.String)
                    {
                        problems.Add($"{path}: must be a string, not {Kind(value)}");
                    }
                    else if (message is not null)
                    {
                        problems.Add(seenMessageName == name
                            ? $"{path}: sent twice"
                            : $"{path}: the entry has both \"message\" and \"msg\"; send one");
                    }
                    else if (value.GetString()!.Length > limits.MaxMessageChars)
                    {
                        problems.Add($"{path}: {value.GetString()!.Length:N0} characters; a message has at most {limits.MaxMessageChars:N0}");
                    }
                    else
                    {
                        message = value.GetString()!;
                        seenMessageName = name;
                    }

                    break;
                case "level":
                    if (value.ValueKind != JsonValueKind.String || FrontendLevels.Normalize(value.GetString()!) is not { } normal)
                    {
                        problems.Add($"{path}: {Shown(value)} is not a level; use {FrontendLevels.Names}");
                    }
                    else
                    {
                        level = normal;
                    }

                    break;
                case "env":
                    env = Env(value, path, limits, problems) ?? env;
                    break;
                case "ts":
                    if (Time(value, path, problems) is { } sent)
                    {
                        if (sent > now + limits.MaxAhead || sent < now - limits.MaxAge)
                        {
                            clientTime = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
                        }
                        else
                        {
                            time = sent;
                        }
                    }

                    break;
                default:
                    if (++fieldCount > limits.MaxFields)
                    {
                        if (fieldCount == limits.MaxFields + 1)
                        {
                            problems.Add($"{at}: more than {limits.MaxFields} fields; send at most {limits.MaxFields} besides ts, level, env and message");
                        }
                    }
                    else if (name.Length == 0 || name.Length > limits.MaxFieldNameChars)
                    {
                        problems.Add($"{at}: a field name must have 1 to {limits.MaxFieldNameChars} characters (one has {name.Length:N0})");
                    }
                    else if (Depth(value) > limits.MaxFieldDepth)
                    {
                        problems.Add($"{path}: nested deeper than {limits.MaxFieldDepth} levels");
                    }
                    else if (!fields.ContainsKey(name))
                    {
                        fields[name] = JsonNode.Parse(value.GetRawText());
                    }
                    else
                    {
                        problems.Add($"{path}: sent twice");
                    }

                    break;
            }
        }

        if (message is null && problems.Count == before)
        {
            problems.Add($"{at}.message: missing; every entry needs a message (a string)");
        }

        return problems.Count > before ? null : new FrontendEntry(time, level, env, message!, fields) { ClientTime = clientTime };
    }

    private static void CheckText(JsonElement value, string at, List<string> problems)
    {
        if (problems.Count >= MaxProblems)
        {
            return;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var index = 0;
                foreach (var property in value.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        problems.Add($"{at}: the name of field {index + 1} is not valid Unicode text (a lone surrogate, or bytes that are not UTF-8)");
                        continue;
                    }

                    CheckText(property.Value, at == "body" ? Shorten(name) : $"{at}.{Shorten(name)}", problems);
                    index++;
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    CheckText(item, $"{at}[{i++}]", problems);
                }

                break;
            case JsonValueKind.String:
                try
                {
                    _ = value.GetString();
                }
                catch (InvalidOperationException)
                {
                    problems.Add($"{at}: not valid Unicode text (a lone surrogate such as \\ud83d, or bytes that are not UTF-8)");
                }

                break;
        }
    }

    private static string Shorten(string name) => name.Length > 64 ? name[..63] + "…" : name;

    private static string? Env(JsonElement value, string path, FrontendLimits limits, List<string> problems)
    {
        if (value.ValueKind == JsonValueKind.String && limits.Environments.FirstOrDefault(e => e == value.GetString()) is { } env)
        {
            return env;
        }

        problems.Add($"{path}: {Shown(value)} is not an environment this app takes; use {string.Join(", ", limits.Environments)}");
        return null;
    }

    /// <summary>RFC 3339 text with its offset, or Unix milliseconds.</summary>
    private static DateTimeOffset? Time(JsonElement value, string path, List<string> problems)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            var text = value.GetString()!;
            if (text.Length <= 40 && text.Contains('T', StringComparison.OrdinalIgnoreCase) && HasOffset(text)
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                return parsed;
            }

            problems.Add($"{path}: {Shown(value)} is not an RFC 3339 time with its offset (2026-12-04T10:30:00.123Z) nor Unix milliseconds");
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var ms))
        {
            // Milliseconds between 2001 and 2286: seconds or nanoseconds sent by mistake fall outside and are named.
            if (ms is >= 1e12 and < 1e13)
            {
                return DateTimeOffset.UnixEpoch.AddTicks((long)(ms * TimeSpan.TicksPerMillisecond));
            }

            problems.Add($"{path}: {value.GetRawText()} is not Unix milliseconds (13 digits, as Date.now() gives)");
            return null;
        }

        problems.Add($"{path}: must be an RFC 3339 string or Unix milliseconds, not {Kind(value)}");
        return null;
    }

    private static bool HasOffset(string text)
    {
        var t = text.IndexOfAny(['T', 't']);
        var rest = text.AsSpan(t + 1);
        return rest.EndsWith("Z", StringComparison.OrdinalIgnoreCase) || rest.LastIndexOfAny('+', '-') > 0;
    }

    private static int Depth(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => 1 + value.EnumerateObject().Select(p => Depth(p.Value)).DefaultIfEmpty(0).Max(),
        JsonValueKind.Array => 1 + value.EnumerateArray().Select(Depth).DefaultIfEmpty(0).Max(),
        _ => 0,
    };

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string Shown(JsonElement value)
    {
        var text = value.ValueKind == JsonValueKind.String ? $"'{value.GetString()}'" : value.GetRawText();
        return text.Length > 60 ? text[..59] + "…" : text;
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message.TrimEnd('.');
    }
}

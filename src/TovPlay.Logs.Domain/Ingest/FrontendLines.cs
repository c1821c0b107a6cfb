using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Push;

namespace TovPlay.Logs.Domain.Ingest;

/// <summary>
/// Who sent a batch, as the server knows it (never as the browser claims it): the address it came from, its user agent,
/// and the user a valid session token names.
/// </summary>
public sealed record FrontendCaller(string? Ip, string? UserAgent, SessionTokenStatus? Session = null, SessionUser? User = null);

/// <summary>
/// Browser lines as they are stored: the contract's JSON line (<c>ts</c>, <c>level</c>, <c>msg</c>, <c>service</c>,
/// <c>env</c>, then the browser's fields, secrets taken out) in streams whose labels the server chooses alone:
/// <c>job</c> and <c>service</c> "tovplay-frontend", the validated <c>env</c> and <c>level</c>. What the browser says of
/// who it is (<c>user_id</c>, <c>username</c>, <c>ip</c>) is kept as <c>claimed_*</c>; the server's own word takes those names.
/// </summary>
public static class FrontendLines
{
    public const string Job = "tovplay-frontend";

    // Fields whose names the server speaks for: a browser's value under one of them is kept beside it, as claimed.
    private static readonly string[] s_serverOwned = ["user_id", "username", "ip", "service", "env", "job", "client_ts", "session_token", "user_agent"];
    private static readonly JsonSerializerOptions s_options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static (List<PushStream> Streams, int Redactions) Build(FrontendBatch batch, FrontendCaller caller)
    {
        var (agent, redactions) = caller.UserAgent is { Length: > 0 } header ? SecretRedactor.RedactText(ShortText.Cut(header, 512)) : (null, 0);
        var lines = new List<(LabelSet Labels, LogEntry Entry)>(batch.Entries.Count);
        var taken = new HashSet<(LabelSet, long, string)>();
        foreach (var entry in batch.Entries)
        {
            var (line, redacted) = Line(entry, caller, agent);
            redactions += redacted;
            var labels = LabelSet.From(("job", Job), ("service", Job), ("env", entry.Env), ("level", entry.Level));

            // The store keeps one of two identical entries (same stream, time and line), as Loki does, so that a
            // batch sent again is not doubled; two identical events in one batch are two events: the later one moves
            // on by a nanosecond.
            var ns = (entry.At - DateTimeOffset.UnixEpoch).Ticks * 100;
            while (!taken.Add((labels, ns, line)))
            {
                ns++;
            }

            lines.Add((labels, new LogEntry(ns, line)));
        }

        return (PushStream.Group(lines, l => l.Labels, l => l.Entry), redactions);
    }

    /// <summary>The names LogQL's json parser gives a field and what is nested in it (other characters as '_', levels joined by '_').</summary>
    private static IEnumerable<string> ParsedNames(string name, JsonNode? value, int depth = 0)
    {
        var own = new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_')]);
        if (value is JsonObject inner && depth < 8)
        {
            return inner.SelectMany(p => ParsedNames(p.Key, p.Value, depth + 1)).Select(n => own + "_" + n);
        }

        return [own];
    }

    private static (string Line, int Redactions) Line(FrontendEntry entry, FrontendCaller caller, string? agent)
    {
        var fields = entry.Fields.DeepClone().AsObject();
        var redactions = SecretRedactor.Redact(fields);
        var (message, inMessage) = SecretRedactor.RedactText(entry.Message);
        redactions += inMessage;

        var line = new JsonObject
        {
            ["ts"] = entry.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["level"] = entry.Level,
            ["msg"] = message,
            ["service"] = Job,
            ["env"] = entry.Env,
        };
        if (entry.ClientTime is { } clientTime)
        {
            line["client_ts"] = clientTime;
        }

        // A field stands for a server-owned one when LogQL's json parser would give it that name: "user-id",
        // "user.id" and {"user": {"id": …}} all become user_id. Such a field is kept whole as a claim.
        foreach (var (name, value) in fields.ToList())
        {
            if (ParsedNames(name, value).Any(s_serverOwned.Contains))
            {
                fields.Remove(name);
                var claim = "claimed_" + name;
                for (var n = 2; fields.ContainsKey(claim); n++)
                {
                    claim = $"claimed_{name}_{n}";
                }

                fields[claim] = value;
            }
        }

        if (caller.User is { } user)
        {
            line["user_id"] = user.UserId;
            if (user.Username is not null)
            {
                line["username"] = user.Username;
            }
        }
        else if (caller.Session is { } status and not SessionTokenStatus.Valid)
        {
            line["session_token"] = status == SessionTokenStatus.Expired ? "expired" : "invalid";
        }

        if (caller.Ip is not null)
        {
            line["ip"] = caller.Ip;
        }

        if (agent is not null)
        {
            line["user_agent"] = agent;
        }

        foreach (var (name, value) in fields.ToList())
        {
            fields.Remove(name);
            if (!line.ContainsKey(name))
            {
                line[name] = value;
            }
        }

        return (line.ToJsonString(s_options), redactions);
    }
}

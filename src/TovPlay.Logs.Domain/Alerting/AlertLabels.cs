using System.Globalization;
using System.Text;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Alerting;

/// <summary>Prometheus' label name rule, which Alertmanager and the rule files keep.</summary>
public static class AlertLabelNames
{
    public const string AlertName = "alertname";

    public static bool IsValid(string name) =>
        name.Length is > 0 and <= 128 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}

/// <summary>
/// Alertmanager's fingerprint of a label set (FNV-1a, 64 bits, over names and values in name order, each followed by
/// the byte 255), printed as 16 hex digits: the same alert has the same id here, in Alertmanager and in its webhooks.
/// </summary>
public static class AlertFingerprint
{
    private const ulong Offset = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    public static string Of(LabelSet labels)
    {
        var hash = Offset;
        foreach (var (name, value) in labels.Pairs.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            hash = Add(Add(hash, name), value);
        }

        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }

    private static ulong Add(ulong hash, string text)
    {
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * Prime;
        }

        return (hash ^ 255) * Prime;
    }
}

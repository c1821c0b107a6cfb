using System.Globalization;
using System.Text;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>What one commit wrote to one stream: its time range and how many entries.</summary>
public readonly record struct CommittedRange(long StreamId, long FromNs, long ToNs, int Count);

/// <summary>
/// The notices app instances send each other through PostgreSQL's NOTIFY when they commit log entries, so that live
/// tails on every instance see every line, whichever instance took the push. A notice names the streams and time
/// ranges written, not the lines (a notice holds at most 8000 bytes); the receivers read the lines back. Each app
/// instance has its own id, to skip its own notices.
/// </summary>
public sealed class CommitAnnouncements
{
    public const string Channel = "logstore_commits";

    /// <summary>Below PostgreSQL's 8000-byte payload limit, with room for the prefix.</summary>
    private const int MaxPayload = 7_800;

    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>One or more payloads announcing <paramref name="ranges"/>, each within the size limit.</summary>
    public IReadOnlyList<string> Encode(IEnumerable<CommittedRange> ranges)
    {
        var payloads = new List<string>();
        var current = new StringBuilder();
        foreach (var range in ranges)
        {
            var item = string.Create(CultureInfo.InvariantCulture, $"{range.StreamId}:{range.FromNs}:{range.ToNs}:{range.Count}");
            if (current.Length > 0 && current.Length + item.Length + 1 > MaxPayload)
            {
                payloads.Add(current.ToString());
                current.Clear();
            }

            current.Append(current.Length == 0 ? $"v1|{InstanceId}|" : ",").Append(item);
        }

        if (current.Length > 0)
        {
            payloads.Add(current.ToString());
        }

        return payloads;
    }

    /// <summary>The ranges another instance announced; null for this instance's own notices or unreadable ones.</summary>
    public IReadOnlyList<CommittedRange>? Decode(string payload)
    {
        var parts = payload.Split('|');
        if (parts is not ["v1", var sender, var items] || sender == InstanceId)
        {
            return null;
        }

        var ranges = new List<CommittedRange>();
        foreach (var item in items.Split(','))
        {
            var fields = item.Split(':');
            if (fields.Length != 4
                || !long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var stream)
                || !long.TryParse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var from)
                || !long.TryParse(fields[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var to)
                || !int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                return null;
            }

            ranges.Add(new CommittedRange(stream, from, to, count));
        }

        return ranges;
    }
}

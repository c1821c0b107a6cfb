using System.Globalization;
using System.Text;
using System.Text.Json;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Push;

namespace TovPlay.Logs.Benchmarks.Store;

/// <summary>Push bodies as clients send them: Loki JSON, and block-snappy protobuf as promtail does.</summary>
public static class PushBodies
{
    public static byte[] Json(LabelSet labels, IReadOnlyList<LogEntry> entries) => PushJson.Encode([PushStream.Of(labels, entries)]);

    public static byte[] Protobuf(LabelSet labels, IReadOnlyList<LogEntry> entries)
    {
        var stream = new MemoryStream();
        WriteString(stream, 1, labels.ToString());
        foreach (var entry in entries)
        {
            var e = new MemoryStream();
            var ts = new MemoryStream();
            WriteVarintField(ts, 1, (ulong)(entry.TimestampNs / 1_000_000_000));
            WriteVarintField(ts, 2, (ulong)(entry.TimestampNs % 1_000_000_000));
            WriteBytes(e, 1, ts.ToArray());
            WriteString(e, 2, entry.Line);
            WriteBytes(stream, 2, e.ToArray());
        }

        var request = new MemoryStream();
        WriteBytes(request, 1, stream.ToArray());
        return Snappier.Snappy.CompressToArray(request.ToArray());
    }

    private static void WriteString(Stream s, int field, string value) => WriteBytes(s, field, Encoding.UTF8.GetBytes(value));

    private static void WriteBytes(Stream s, int field, byte[] value)
    {
        WriteVarint(s, (ulong)(field << 3 | 2));
        WriteVarint(s, (ulong)value.Length);
        s.Write(value);
    }

    private static void WriteVarintField(Stream s, int field, ulong value)
    {
        WriteVarint(s, (ulong)(field << 3));
        WriteVarint(s, value);
    }

    private static void WriteVarint(Stream s, ulong value)
    {
        while (value >= 0x80)
        {
            s.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        s.WriteByte((byte)value);
    }
}

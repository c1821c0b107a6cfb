namespace TovPlay.Logs.Web.Tests.Shared;

/// <summary>
/// A recorded promtail push body moved to the present: the store refuses entries older than a week, and a test must
/// not depend on the day it runs. Every entry's <c>google.protobuf.Timestamp</c> seconds move by the same whole number
/// of seconds, rewritten in place (the varints keep their width, so every other byte stays as promtail sent it), and the
/// message is compressed again as block snappy, as promtail sends it.
/// </summary>
public static class RecordedPush
{
    /// <summary>The body with its entries <paramref name="shiftSeconds"/> later.</summary>
    public static byte[] Shifted(byte[] snappyBody, long shiftSeconds)
    {
        var message = Snappier.Snappy.DecompressToArray(snappyBody);
        // PushRequest.streams (1) -> StreamAdapter.entries (2) -> EntryAdapter.timestamp (1) -> Timestamp.seconds (1).
        foreach (var stream in Fields(message, 0, message.Length, 1))
        {
            foreach (var entry in Fields(message, stream.Start, stream.End, 2))
            {
                foreach (var timestamp in Fields(message, entry.Start, entry.End, 1))
                {
                    ShiftSeconds(message, timestamp.Start, timestamp.End, shiftSeconds);
                }
            }
        }

        return Snappier.Snappy.CompressToArray(message);
    }

    /// <summary>The whole seconds from the newest of these Unix-nanosecond timestamps to one minute ago.</summary>
    public static long SecondsToNow(IEnumerable<long> timestampsNs) =>
        (DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds() * 1_000_000 - timestampsNs.Max()) / 1_000_000_000;

    private static void ShiftSeconds(byte[] message, int start, int end, long shift)
    {
        var position = start;
        while (position < end)
        {
            var (tag, afterTag) = Varint(message, position);
            if (tag >> 3 == 1 && (tag & 7) == 0)
            {
                var (seconds, after) = Varint(message, afterTag);
                var width = after - afterTag;
                var shifted = (ulong)((long)seconds + shift);
                for (var i = 0; i < width; i++)
                {
                    var last = i == width - 1;
                    message[afterTag + i] = (byte)((shifted & 0x7F) | (last ? 0UL : 0x80UL));
                    shifted >>= 7;
                }

                if (shifted != 0)
                {
                    throw new InvalidOperationException("The shifted seconds need a wider varint than the recording has.");
                }

                return;
            }

            position = Skip(message, afterTag, (int)(tag & 7));
        }
    }

    /// <summary>The length-delimited occurrences of a field between two offsets, as offsets of their contents.</summary>
    private static List<(int Start, int End)> Fields(byte[] message, int start, int end, int field)
    {
        var found = new List<(int, int)>();
        var position = start;
        while (position < end)
        {
            var (tag, afterTag) = Varint(message, position);
            if ((int)(tag >> 3) == field && (tag & 7) == 2)
            {
                var (length, contents) = Varint(message, afterTag);
                found.Add((contents, contents + (int)length));
            }

            position = Skip(message, afterTag, (int)(tag & 7));
        }

        return found;
    }

    private static int Skip(byte[] message, int position, int wireType) => wireType switch
    {
        0 => Varint(message, position).Next,
        1 => position + 8,
        2 => Varint(message, position) is var (length, next) ? next + (int)length : 0,
        5 => position + 4,
        _ => throw new InvalidOperationException($"Unexpected wire type {wireType} in the recording."),
    };

    private static (ulong Value, int Next) Varint(byte[] message, int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = message[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return (value, position);
            }
        }
    }
}

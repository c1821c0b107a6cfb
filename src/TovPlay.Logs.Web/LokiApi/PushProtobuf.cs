using System.Text.Unicode;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Push;

namespace TovPlay.Logs.Web.LokiApi;

/// <summary>
/// Decodes Loki's <c>logproto.PushRequest</c>: streams (1) of labels as a selector string (1) and entries (2), each
/// entry a <c>google.protobuf.Timestamp</c> (1: seconds, 2: nanos), a line (2) and structured metadata pairs (3).
/// </summary>
internal static class PushProtobuf
{
    public static List<PushStream> Decode(ReadOnlySpan<byte> message)
    {
        var streams = new List<PushStream>();
        var lines = new LineSlab();
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == ProtobufReader.LengthDelimited)
            {
                streams.Add(DecodeStream(reader.ReadBytes(), lines));
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return streams;
    }

    private static PushStream DecodeStream(ReadOnlySpan<byte> message, LineSlab lines)
    {
        string? labelsText = null;
        var entries = new List<Utf8Entry>();
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, ProtobufReader.LengthDelimited):
                    labelsText = reader.ReadString();
                    break;
                case (2, ProtobufReader.LengthDelimited):
                    entries.Add(DecodeEntry(reader.ReadBytes(), lines));
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        if (string.IsNullOrWhiteSpace(labelsText))
        {
            return new PushStream(LabelSet.Empty, entries);
        }

        if (!PushLabels.TryParse(labelsText, out var labels, out var error))
        {
            throw new PushFormatException(error);
        }

        return new PushStream(labels, entries);
    }

    private static Utf8Entry DecodeEntry(ReadOnlySpan<byte> message, LineSlab lines)
    {
        long seconds = 0, nanos = 0;
        var line = ReadOnlyMemory<byte>.Empty;
        List<(string, string)>? metadata = null;
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, ProtobufReader.LengthDelimited):
                    (seconds, nanos) = DecodeTimestamp(reader.ReadBytes());
                    break;
                case (2, ProtobufReader.LengthDelimited):
                    // Kept as the UTF-8 it came as (the message's buffer is returned after decoding), checked as ReadString checks.
                    var bytes = reader.ReadBytes();
                    line = Utf8.IsValid(bytes) ? lines.Copy(bytes) : throw new FormatException("a string field is not valid UTF-8");
                    break;
                case (3, ProtobufReader.LengthDelimited):
                    (metadata ??= []).Add(DecodePair(reader.ReadBytes()));
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return new Utf8Entry(checked(seconds * 1_000_000_000 + nanos), line, metadata is null ? null : LabelSet.From([.. metadata]));
    }

    private static (long Seconds, long Nanos) DecodeTimestamp(ReadOnlySpan<byte> message)
    {
        long seconds = 0, nanos = 0;
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, ProtobufReader.Varint):
                    seconds = (long)reader.ReadVarint();
                    break;
                case (2, ProtobufReader.Varint):
                    nanos = (int)reader.ReadVarint();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return (seconds, nanos);
    }

    private static (string, string) DecodePair(ReadOnlySpan<byte> message)
    {
        string name = "", value = "";
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, ProtobufReader.LengthDelimited):
                    name = reader.ReadString();
                    break;
                case (2, ProtobufReader.LengthDelimited):
                    value = reader.ReadString();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return (name, value);
    }
}

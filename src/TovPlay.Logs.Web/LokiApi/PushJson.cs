using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Push;

namespace TovPlay.Logs.Web.LokiApi;

/// <summary>
/// Decodes Loki's JSON push: <c>{"streams":[{"stream":{"job":"x"},"values":[["&lt;ns&gt;","line"],["&lt;ns&gt;","line",{"k":"v"}]]}]}</c>,
/// timestamps as strings of Unix nanoseconds, the optional third element being structured metadata.
/// </summary>
internal static class PushJson
{
    private const string Prefix = "loghttp.PushRequest: ";

    /// <summary>Far above any label limit: the validator names the real limit; this only bounds the decoder's work.</summary>
    private const int MaxPairs = 1024;

    public static List<PushStream> Decode(ReadOnlySpan<byte> body)
    {
        var lines = new LineSlab();
        return PushJsonScanner.TryDecode(body, lines, out var streams) ? streams : DecodeWithReader(body, lines);
    }

    /// <summary>Any body, with the general reader: what <see cref="PushJsonScanner"/> leaves to it, and every error's text.</summary>
    internal static List<PushStream> DecodeWithReader(ReadOnlySpan<byte> body, LineSlab lines)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
        try
        {
            var streams = new List<PushStream>();
            Read(ref reader);
            Expect(ref reader, JsonTokenType.StartObject, "the body must be a JSON object");
            while (Read(ref reader) && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("streams"))
                {
                    Read(ref reader);
                    Expect(ref reader, JsonTokenType.StartArray, "\"streams\" must be an array");
                    while (Read(ref reader) && reader.TokenType != JsonTokenType.EndArray)
                    {
                        streams.Add(ReadStream(ref reader, lines));
                    }
                }
                else
                {
                    Read(ref reader);
                    reader.Skip();
                }
            }

            // Only whitespace may follow the object; anything else throws a JsonException.
            if (reader.Read())
            {
                Fail(ref reader, "the body must be one JSON object");
            }

            return streams;
        }
        catch (JsonException ex)
        {
            throw new PushFormatException(Prefix + ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            // GetString or CopyString on text that is not Unicode: invalid UTF-8 bytes, or an escaped lone surrogate (\ud800).
            throw new PushFormatException(Prefix + $"a string is not valid Unicode ({ex.Message})");
        }
    }

    private static PushStream ReadStream(ref Utf8JsonReader reader, LineSlab lines)
    {
        Expect(ref reader, JsonTokenType.StartObject, "each stream must be an object");
        var labels = LabelSet.Empty;
        var entries = new List<Utf8Entry>();
        while (Read(ref reader) && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("stream"))
            {
                Read(ref reader);
                labels = LabelSet.From([.. ReadPairs(ref reader, "\"stream\"")]);
            }
            else if (reader.ValueTextEquals("values"))
            {
                Read(ref reader);
                Expect(ref reader, JsonTokenType.StartArray, "\"values\" must be an array");
                while (Read(ref reader) && reader.TokenType != JsonTokenType.EndArray)
                {
                    entries.Add(ReadEntry(ref reader, lines));
                }
            }
            else
            {
                Read(ref reader);
                reader.Skip();
            }
        }

        return new PushStream(labels, entries);
    }

    private static Utf8Entry ReadEntry(ref Utf8JsonReader reader, LineSlab lines)
    {
        Expect(ref reader, JsonTokenType.StartArray, "each value must be an array [\"<unix ns>\", \"<line>\"]");
        Read(ref reader);
        Expect(ref reader, JsonTokenType.String, "a value's timestamp must be a string of Unix nanoseconds");
        // Parsed from the raw bytes: a string per line only to read a number would be most of the decoder's garbage.
        if (!TryReadNanoseconds(ref reader, out var ts))
        {
            Fail(ref reader, $"timestamp \"{Clip(reader.GetString()!)}\" is not a number of Unix nanoseconds");
        }

        Read(ref reader);
        Expect(ref reader, JsonTokenType.String, "a value's line must be a string");
        var line = ReadLine(ref reader, lines);
        LabelSet? metadata = null;
        Read(ref reader);
        if (reader.TokenType != JsonTokenType.EndArray)
        {
            // A third element is structured metadata, and nothing else: say so rather than count the elements.
            metadata = LabelSet.From([.. ReadPairs(ref reader, "structured metadata")]);
            Read(ref reader);
        }

        Expect(ref reader, JsonTokenType.EndArray, "a value has at most three elements: timestamp, line, structured metadata");
        return new Utf8Entry(ts, line, metadata is { Count: > 0 } ? metadata : null);
    }

    /// <summary>
    /// The line as UTF-8, unescaped, with no string made of it. Unescaping only shortens a JSON string, so its raw
    /// length is room enough. The reader checks structure, not encoding: the bytes are checked here, as GetString would.
    /// </summary>
    private static ReadOnlyMemory<byte> ReadLine(ref Utf8JsonReader reader, LineSlab lines)
    {
        if (reader.HasValueSequence)
        {
            throw new InvalidOperationException("the push body is read from one buffer");
        }

        var line = reader.ValueIsEscaped
            ? lines.Commit(reader.CopyString(lines.Reserve(reader.ValueSpan.Length).Span))
            : lines.Copy(reader.ValueSpan);
        if (!Utf8.IsValid(line.Span))
        {
            Fail(ref reader, "a value's line is not valid UTF-8");
        }

        return line;
    }

    private static bool TryReadNanoseconds(ref Utf8JsonReader reader, out long ns)
    {
        if (reader.ValueIsEscaped)
        {
            return long.TryParse(reader.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out ns);
        }

        return TryParseNanoseconds(reader.ValueSpan, out ns);
    }

    /// <summary>A timestamp's unescaped bytes as Unix nanoseconds: digits only, as NumberStyles.None (no sign, no spaces).</summary>
    internal static bool TryParseNanoseconds(ReadOnlySpan<byte> digits, out long ns)
    {
        ns = 0;
        return !digits.IsEmpty && char.IsAsciiDigit((char)digits[0]) && Utf8Parser.TryParse(digits, out ns, out var used) && used == digits.Length;
    }

    private static List<(string, string)> ReadPairs(ref Utf8JsonReader reader, string what)
    {
        Expect(ref reader, JsonTokenType.StartObject, $"{what} must be an object of string values");
        var pairs = new List<(string, string)>();
        while (Read(ref reader) && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (pairs.Count == MaxPairs)
            {
                Fail(ref reader, $"{what} has more than {MaxPairs} names");
            }

            var name = reader.GetString()!;
            Read(ref reader);
            Expect(ref reader, JsonTokenType.String, $"{what} must be an object of string values");
            pairs.Add((name, reader.GetString()!));
        }

        return pairs;
    }

    private static bool Read(ref Utf8JsonReader reader) =>
        reader.Read() ? true : throw new PushFormatException(Prefix + $"unexpected end of JSON at byte {reader.BytesConsumed}");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string message)
    {
        if (reader.TokenType != type)
        {
            Fail(ref reader, message);
        }
    }

    private static void Fail(ref Utf8JsonReader reader, string message) =>
        throw new PushFormatException(Prefix + $"{message}, error found at byte {reader.TokenStartIndex}");

    private static string Clip(string text) => text.Length > 40 ? text[..40] + "..." : text;
}

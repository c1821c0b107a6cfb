using System.Globalization;
using System.Text;

namespace TovPlay.Logs.Domain.Logs.Push;

/// <summary>What a push check found, and the push's size: lines and UTF-8 bytes of its lines (partial when it stopped early).</summary>
public sealed record PushCheck(IReadOnlyList<string> Problems, int Lines, long Bytes);

/// <summary>
/// Checks a whole push before anything of it is stored, with Loki's texts. Unlike Loki, which keeps the valid
/// entries of a partly bad push, a push here is all or nothing: the client learns about every refused entry and a
/// retry cannot duplicate the accepted ones.
/// </summary>
public static class PushValidator
{
    /// <summary>At most this many problems are reported, as Loki caps its list.</summary>
    public const int MaxReported = 10;

    /// <param name="newestByStream">The newest stored timestamp of each known stream, for the out-of-order window.</param>
    /// <returns>The problems, one per line as Loki writes them (none when the push is acceptable), and its size.</returns>
    public static PushCheck Validate(IReadOnlyList<PushStream> streams, DateTimeOffset now, PushLimits limits, Func<LabelSet, long?>? newestByStream = null)
    {
        var problems = new List<string>();
        var lines = 0;
        long bytes = 0;
        var oldest = now - limits.RejectOldSamplesMaxAge;
        var oldestNs = ToNs(oldest);
        var newestAllowedNs = ToNs(now + limits.CreationGracePeriod);
        foreach (var stream in streams)
        {
            if (StreamProblem(stream.Labels, limits) is { } labelProblem)
            {
                problems.Add(labelProblem);
                continue;
            }

            var newest = newestByStream?.Invoke(stream.Labels);
            foreach (var entry in stream.Entries)
            {
                var size = entry.Line.Length;
                lines++;
                bytes += size;
                var problem = EntryProblem(stream.Labels, entry, size, limits, oldest, oldestNs, newestAllowedNs, newest);
                if (problem is not null)
                {
                    problems.Add(problem);
                    if (problems.Count >= MaxReported)
                    {
                        return new PushCheck(problems, lines, bytes);
                    }
                }
            }
        }

        return new PushCheck(problems, lines, bytes);
    }

    private static string? StreamProblem(LabelSet labels, PushLimits limits)
    {
        if (labels.Count == 0)
        {
            return "error at least one label pair is required per stream";
        }

        if (labels.Count > limits.MaxLabelNamesPerSeries)
        {
            return $"entry for stream '{labels}' has {labels.Count} label names; limit {limits.MaxLabelNamesPerSeries}";
        }

        var text = labels.ToString();
        if (Encoding.UTF8.GetByteCount(text) is var size && size > limits.MaxLabelSetBytes)
        {
            return $"stream '{Clip(text)}' has labels of {size} bytes written out; the store holds at most {limits.MaxLabelSetBytes} per stream";
        }

        foreach (var (name, value) in labels.Pairs)
        {
            if (NameProblem(name) is { } nameProblem)
            {
                return $"stream '{labels}' has an invalid label name '{name}': {nameProblem}";
            }

            if (value.Contains('\0', StringComparison.Ordinal))
            {
                return $"stream '{labels}' has a NUL character in the value of label '{name}'";
            }

            if (name.Length > limits.MaxLabelNameLength)
            {
                return $"stream '{labels}' has label name too long: '{name}'";
            }

            if (value.Length > limits.MaxLabelValueLength)
            {
                return $"stream '{labels}' has label value too long: '{value}'";
            }
        }

        return null;
    }

    private static string? EntryProblem(LabelSet labels, Utf8Entry entry, int bytes, PushLimits limits, DateTimeOffset oldest, long oldestNs, long newestAllowedNs, long? newestInStream)
    {
        if (entry.TimestampNs < oldestNs)
        {
            return $"entry for stream '{labels}' has timestamp too old: {Format(entry.TimestampNs)}, oldest acceptable timestamp is: {oldest.UtcDateTime.ToString(Rfc3339, CultureInfo.InvariantCulture)}";
        }

        if (entry.TimestampNs > newestAllowedNs)
        {
            return $"entry for stream '{labels}' has timestamp too new: {Format(entry.TimestampNs)}";
        }

        if (bytes > limits.MaxLineBytes)
        {
            return $"Max entry size '{limits.MaxLineBytes}' bytes exceeded for stream '{labels}' while adding an entry with length '{bytes}' bytes";
        }

        if (entry.Line.Span.Contains((byte)0))
        {
            return $"entry for stream '{labels}' at {Format(entry.TimestampNs)} has a NUL character in its line";
        }

        if (entry.Metadata is { } metadata)
        {
            foreach (var (name, value) in metadata.Pairs)
            {
                if (NameProblem(name) is { } nameProblem)
                {
                    return $"entry for stream '{labels}' at {Format(entry.TimestampNs)} has an invalid structured metadata name '{name}': {nameProblem}";
                }

                if (value.Contains('\0', StringComparison.Ordinal))
                {
                    return $"entry for stream '{labels}' at {Format(entry.TimestampNs)} has a NUL character in structured metadata '{name}'";
                }
            }
        }

        if (newestInStream is { } newest && entry.TimestampNs < newest - (long)limits.OutOfOrderWindow.TotalNanoseconds)
        {
            var floor = newest - (long)limits.OutOfOrderWindow.TotalNanoseconds;
            return $"entry too far behind, entry timestamp is: {Format(entry.TimestampNs)}, oldest acceptable timestamp is: {Format(floor)}";
        }

        return null;
    }

    /// <summary>
    /// Why a label name is not one, or null. Names are Prometheus's (what LogQL's selectors can name); those
    /// starting with two underscores are kept for the store's own use, as Loki and Prometheus keep them.
    /// </summary>
    public static string? NameProblem(string name)
    {
        if (name.Length == 0)
        {
            return "a name cannot be empty";
        }

        if (name.StartsWith("__", StringComparison.Ordinal))
        {
            return "names starting with __ are reserved";
        }

        var valid = (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.AsSpan(1).IndexOfAnyExcept(s_nameChars) < 0;
        return valid ? null : "a name is letters, digits and _, and does not start with a digit";
    }

    private static readonly System.Buffers.SearchValues<char> s_nameChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    private static string Clip(string text) => text.Length > 200 ? text[..200] + "..." : text;

    private const string Rfc3339 = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    private static string Format(long ns) =>
        DateTimeOffset.UnixEpoch.AddTicks(ns / 100).UtcDateTime.ToString(Rfc3339, CultureInfo.InvariantCulture);

    private static long ToNs(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks * 100;
}

using System.Text;

namespace TovPlay.Logs.Domain.Logs;

/// <summary>
/// An immutable set of label pairs, sorted by name, compared by content. The identity of a stream or a series.
/// Empty values are dropped: in Loki's model a label with an empty value is an absent label.
/// </summary>
public sealed class LabelSet : IEquatable<LabelSet>
{
    private readonly KeyValuePair<string, string>[] _pairs;
    private readonly int _hash;

    private LabelSet(KeyValuePair<string, string>[] sortedPairs)
    {
        _pairs = sortedPairs;
        var hash = new HashCode();
        foreach (var (k, v) in _pairs)
        {
            hash.Add(k, StringComparer.Ordinal);
            hash.Add(v, StringComparer.Ordinal);
        }

        _hash = hash.ToHashCode();
    }

    public static LabelSet Empty { get; } = new([]);

    /// <summary>A label set without the empty values (an empty label is no label, as in Prometheus).</summary>
    public static LabelSet From(IEnumerable<KeyValuePair<string, string>> pairs) => From(pairs, keepEmpty: false);

    /// <param name="keepEmpty">
    /// Keep labels whose value is empty: a log pipeline's result does, as in Loki (<c>| logfmt</c> turns a bare word
    /// into a label with no value, and the entry is shown with it).
    /// </param>
    public static LabelSet From(IEnumerable<KeyValuePair<string, string>> pairs, bool keepEmpty)
    {
        var list = new List<KeyValuePair<string, string>>(16);
        foreach (var pair in pairs)
        {
            if (pair.Value is not null && (keepEmpty || pair.Value.Length > 0))
            {
                list.Add(pair);
            }
        }

        // Stable, so the later of two equal names stays last. Label sets are small, and insertion sort is fastest
        // there; a large set (only a hostile client sends one) takes the library's stable sort, not quadratic time.
        KeyValuePair<string, string>[] items = list.Count > 32 ? [.. list.OrderBy(p => p.Key, StringComparer.Ordinal)] : InsertionSorted(list.ToArray());

        var unique = new List<KeyValuePair<string, string>>(items.Length);
        foreach (var pair in items)
        {
            if (unique.Count > 0 && string.Equals(unique[^1].Key, pair.Key, StringComparison.Ordinal))
            {
                unique[^1] = pair;
            }
            else
            {
                unique.Add(pair);
            }
        }

        return new LabelSet([.. unique]);
    }

    private static KeyValuePair<string, string>[] InsertionSorted(KeyValuePair<string, string>[] items)
    {
        for (var i = 1; i < items.Length; i++)
        {
            var current = items[i];
            var j = i - 1;
            while (j >= 0 && string.CompareOrdinal(items[j].Key, current.Key) > 0)
            {
                items[j + 1] = items[j];
                j--;
            }

            items[j + 1] = current;
        }

        return items;
    }

    public static LabelSet From(params (string Name, string Value)[] pairs) =>
        From(pairs.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)));

    public int Count => _pairs.Length;

    public IReadOnlyList<KeyValuePair<string, string>> Pairs => _pairs;

    public string? this[string name]
    {
        get
        {
            var lo = 0;
            var hi = _pairs.Length - 1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                var cmp = string.CompareOrdinal(_pairs[mid].Key, name);
                if (cmp == 0)
                {
                    return _pairs[mid].Value;
                }

                if (cmp < 0)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            return null;
        }
    }

    public bool Contains(string name) => this[name] is not null;

    /// <summary>Only the named labels (for <c>by</c>) or all but them (for <c>without</c>).</summary>
    public LabelSet Project(IReadOnlyCollection<string> names, bool without) =>
        new([.. _pairs.Where(p => names.Contains(p.Key) != without)]);

    public LabelSet Without(string name) => new([.. _pairs.Where(p => p.Key != name)]);

    public LabelSet With(string name, string value) =>
        From(_pairs.Where(p => p.Key != name).Append(new KeyValuePair<string, string>(name, value)));

    public bool Equals(LabelSet? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other._hash != _hash || other._pairs.Length != _pairs.Length)
        {
            return false;
        }

        for (var i = 0; i < _pairs.Length; i++)
        {
            if (!string.Equals(_pairs[i].Key, other._pairs[i].Key, StringComparison.Ordinal)
                || !string.Equals(_pairs[i].Value, other._pairs[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is LabelSet other && Equals(other);

    public override int GetHashCode() => _hash;

    /// <summary><c>{job="x", level="error"}</c>, as Loki prints a stream.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("{");
        for (var i = 0; i < _pairs.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(_pairs[i].Key).Append('=').Append(LogQL.Printing.LogQLPrinter.Quote(_pairs[i].Value));
        }

        return sb.Append('}').ToString();
    }
}

using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.LogQL.Evaluation;

/// <summary>
/// The labels of one entry while it runs through a pipeline: the stream's labels plus what stages add or remove.
/// Reused from entry to entry, so a pipeline without parsers allocates nothing per line.
/// </summary>
public sealed class LabelsBuilder
{
    public const string ErrorLabel = "__error__";
    public const string ErrorDetailsLabel = "__error_details__";

    private readonly List<KeyValuePair<string, string>> _added = new(16);
    private readonly HashSet<string> _deleted = new(StringComparer.Ordinal);
    private LabelSet _base = LabelSet.Empty;
    private LabelSet? _cached;

    public LabelsBuilder() => ParsedSink = SetParsed;

    /// <summary><see cref="SetParsed"/> as a delegate made once, so parsers do not allocate one per line.</summary>
    public Action<string, string> ParsedSink { get; }

    public LabelSet Base => _base;

    public bool HasError => Get(ErrorLabel) is { Length: > 0 };

    public void Reset(LabelSet streamLabels)
    {
        _base = streamLabels;
        _added.Clear();
        _deleted.Clear();
        _cached = streamLabels;
    }

    public string? Get(string name)
    {
        for (var i = _added.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_added[i].Key, name, StringComparison.Ordinal))
            {
                return _added[i].Value;
            }
        }

        return _deleted.Count > 0 && _deleted.Contains(name) ? null : _base[name];
    }

    /// <summary>Sets a label, replacing any value it had (label_format, unpack).</summary>
    public void Set(string name, string value)
    {
        _cached = null;
        _deleted.Remove(name);
        for (var i = 0; i < _added.Count; i++)
        {
            if (string.Equals(_added[i].Key, name, StringComparison.Ordinal))
            {
                _added[i] = new(name, value);
                return;
            }
        }

        _added.Add(new(name, value));
    }

    /// <summary>
    /// Adds a label found by a parser; one named like a label of the stream becomes <c>name_extracted</c>, as in Loki.
    /// The test is on the stream's own labels only, so parsing the same field twice gives the same label.
    /// </summary>
    public void SetParsed(string name, string value)
    {
        if (_base.Contains(name))
        {
            name += "_extracted";
        }

        Set(name, value);
    }

    public void Delete(string name)
    {
        _cached = null;
        _added.RemoveAll(p => string.Equals(p.Key, name, StringComparison.Ordinal));
        if (_base.Contains(name))
        {
            _deleted.Add(name);
        }
    }

    /// <summary>
    /// Marks the entry in error. As in Loki the latest error is the one shown (<c>| json | logfmt</c> on a JSON line
    /// says the logfmt parser failed); details stay from an earlier error when the new one has none.
    /// </summary>
    public void SetError(string error, string? details = null)
    {
        Set(ErrorLabel, error);
        if (details is not null)
        {
            Set(ErrorDetailsLabel, details);
        }
    }

    /// <summary>
    /// Every label currently visible, for keep, templates and the final label set. Error details show as Loki 2.8
    /// shows them: with the error, or, once <c>drop __error__</c> took the error away, only if the entry's labels
    /// changed otherwise (Loki returns an unchanged entry's stream labels as they are).
    /// </summary>
    public IEnumerable<KeyValuePair<string, string>> All()
    {
        foreach (var pair in _base.Pairs)
        {
            if ((_deleted.Count == 0 || !_deleted.Contains(pair.Key)) && !IsAdded(pair.Key))
            {
                yield return pair;
            }
        }

        var detailsShown = HasError || _deleted.Count > 0 || _added.Exists(p => !string.Equals(p.Key, ErrorDetailsLabel, StringComparison.Ordinal));
        foreach (var pair in _added)
        {
            if (detailsShown || !string.Equals(pair.Key, ErrorDetailsLabel, StringComparison.Ordinal))
            {
                yield return pair;
            }
        }
    }

    private bool IsAdded(string name)
    {
        foreach (var pair in _added)
        {
            if (string.Equals(pair.Key, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public LabelSet ToLabelSet() => _cached ??= LabelSet.From(All(), keepEmpty: true);
}

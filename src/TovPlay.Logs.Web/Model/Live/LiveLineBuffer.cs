using System.Collections.ObjectModel;
using TovPlay.Logs.Web.Model.Lines;

namespace TovPlay.Logs.Web.Model.Live;

/// <summary>
/// The lines on screen, capped: the oldest leave when new ones arrive at the cap. While paused, arrivals wait
/// aside (up to the same cap, the oldest of them dropped and counted beyond it) and join the list on resume: the
/// view stays still but nothing is discarded unseen.
/// </summary>
public sealed class LiveLineBuffer
{
    private readonly List<ListedLine> _shown;
    private readonly Queue<ListedLine> _waiting = new();

    public LiveLineBuffer(int capacity)
    {
        Capacity = Math.Max(1, capacity);
        _shown = new List<ListedLine>(Capacity);
        Shown = _shown.AsReadOnly();
    }

    public int Capacity { get; }

    /// <summary>A read-only view of the list (a collection, as the virtualising list wants).</summary>
    public ReadOnlyCollection<ListedLine> Shown { get; }

    public bool Paused { get; private set; }

    /// <summary>Lines that arrived while paused and wait to be shown.</summary>
    public int Waiting => _waiting.Count;

    /// <summary>Lines that arrived while paused but did not fit beside the cap: counted, never shown.</summary>
    public long DroppedWhilePaused { get; private set; }

    /// <summary>Lines pushed out of the list by newer ones (they were shown).</summary>
    public long Evicted { get; private set; }

    public void Add(IEnumerable<ListedLine> lines)
    {
        foreach (var line in lines)
        {
            if (Paused)
            {
                if (_waiting.Count == Capacity)
                {
                    _waiting.Dequeue();
                    DroppedWhilePaused++;
                }

                _waiting.Enqueue(line);
            }
            else
            {
                _shown.Add(line);
            }
        }

        Trim();
    }

    public void Pause() => Paused = true;

    public void Resume()
    {
        Paused = false;
        _shown.AddRange(_waiting);
        _waiting.Clear();
        Trim();
    }

    public void Clear()
    {
        _shown.Clear();
        _waiting.Clear();
    }

    private void Trim()
    {
        var excess = _shown.Count - Capacity;
        if (excess > 0)
        {
            // One bulk removal per batch, not one per line: a flood must not cost a list shift per line.
            _shown.RemoveRange(0, excess);
            Evicted += excess;
        }
    }
}

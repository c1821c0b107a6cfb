using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Domain.Logs.Push;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>
/// Every stream of the store, held in memory: labels are low-cardinality by contract, so resolving a selector is a
/// scan of this list, never of the entries. Other replicas' new streams are picked up by <see cref="RefreshAsync"/>,
/// which reads only rows with a higher id than it has seen.
/// </summary>
public sealed class StreamRegistry(LogStoreDatabase database)
{
    private readonly ConcurrentDictionary<LabelSet, StoredStream> _byLabels = new();
    private readonly ConcurrentDictionary<long, StoredStream> _byId = new();
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private volatile StoredStream[] _all = [];

    // Publishing and forgetting each replace the list; without this, one could put back what the other just changed
    // (a stream written here but never matched by a query again).
    private readonly Lock _listGate = new();
    private long _maxId;
    // Milliseconds since boot (Environment.TickCount64); never long.MinValue, whose difference from now overflows.
    private long _refreshedAt;
    private long _rescannedAt;

    /// <summary>
    /// How often a refresh reads every stream, not only those above the highest id seen: an id is taken when a
    /// replica inserts but seen when it commits, so a lower id can appear after a higher one was read.
    /// </summary>
    internal TimeSpan RescanInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How stale the list may be before a query refreshes it. Streams written by this process are in it at once;
    /// this only delays seeing another replica's brand-new streams.
    /// </summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    public IReadOnlyList<StoredStream> All => _all;

    public StoredStream? Find(LabelSet labels) => _byLabels.GetValueOrDefault(labels);

    /// <summary>The stream with this id, refreshing the list once when another replica created it moments ago.</summary>
    public async Task<StoredStream?> FindAsync(long id, CancellationToken cancellationToken)
    {
        if (!_byId.TryGetValue(id, out var stream))
        {
            await RefreshAsync(cancellationToken, force: true);
            _byId.TryGetValue(id, out stream);
        }

        return stream;
    }

    /// <summary>The streams a selector matches (stream labels only; the pipeline is the evaluator's business).</summary>
    public IReadOnlyList<StoredStream> Match(StreamSelector selector)
    {
        var selection = new StreamSelection(selector);
        return [.. _all.Where(s => selection.Matches(s.Labels))];
    }

    public static long Fingerprint(LabelSet labels) => unchecked((long)XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(labels.ToString())));

    public async Task RefreshAsync(CancellationToken cancellationToken, bool force = false)
    {
        if (!force && Environment.TickCount64 - Interlocked.Read(ref _refreshedAt) < (long)RefreshInterval.TotalMilliseconds)
        {
            return;
        }

        await _refreshLock.WaitAsync(cancellationToken);
        try
        {
            var rescan = Environment.TickCount64 - _rescannedAt >= (long)RescanInterval.TotalMilliseconds;
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT id, labels FROM logstore.streams WHERE id > @after ORDER BY id", connection);
            command.Parameters.AddWithValue("after", rescan ? 0 : _maxId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var added = new List<StoredStream>();
            // Only a rescan reads every row, and only it can tell which streams are gone.
            HashSet<long>? seen = rescan ? [] : null;
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetInt64(0);
                seen?.Add(id);
                var text = reader.GetString(1);
                _maxId = Math.Max(_maxId, id);
                if (PushLabels.TryParse(text, out var labels, out _))
                {
                    added.Add(new StoredStream(id, labels));
                }
            }

            if (seen is not null)
            {
                // Gone from the table: retired by another replica, perhaps created again under a new id just read.
                Forget([.. _byId.Keys.Where(id => !seen.Contains(id))]);
                _rescannedAt = Environment.TickCount64;
            }

            Publish(added);
            Interlocked.Exchange(ref _refreshedAt, Environment.TickCount64);
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    /// <summary>The stored streams for these label sets, creating the missing ones (committed at once, on their own).</summary>
    public async Task<IReadOnlyList<StoredStream>> ResolveAsync(IReadOnlyList<LabelSet> labelSets, CancellationToken cancellationToken)
    {
        var missing = labelSets.Where(l => !_byLabels.ContainsKey(l)).Distinct().ToList();
        if (missing.Count > 0)
        {
            await CreateAsync(missing, cancellationToken);
        }

        return [.. labelSets.Select(l => _byLabels[l])];
    }

    private async Task CreateAsync(List<LabelSet> missing, CancellationToken cancellationToken)
    {
        await _refreshLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);

            // A no-op update on conflict makes RETURNING give the id of a stream another replica created meanwhile.
            await using var command = new NpgsqlCommand(
                """
                INSERT INTO logstore.streams (labels, fingerprint, job)
                SELECT * FROM unnest(@labels, @fingerprints, @jobs)
                ON CONFLICT (labels) DO UPDATE SET labels = EXCLUDED.labels
                RETURNING id, labels
                """, connection);
            command.Parameters.AddWithValue("labels", NpgsqlDbType.Array | NpgsqlDbType.Text, missing.Select(l => l.ToString()).ToArray());
            command.Parameters.AddWithValue("fingerprints", NpgsqlDbType.Array | NpgsqlDbType.Bigint, missing.Select(Fingerprint).ToArray());
            command.Parameters.AddWithValue("jobs", NpgsqlDbType.Array | NpgsqlDbType.Text, missing.Select(l => l["job"]).ToArray());
            var byText = missing.ToDictionary(l => l.ToString(), StringComparer.Ordinal);
            var added = new List<StoredStream>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    added.Add(new StoredStream(reader.GetInt64(0), byText[reader.GetString(1)]));
                }
            }

            Publish(added);
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    /// <summary>Raised after streams are retired, with their ids: whoever keeps state per stream lets it go.</summary>
    public event Action<IReadOnlyCollection<long>>? Retired;

    /// <summary>
    /// Forgets streams whose rows are gone (retired by maintenance here or on another replica), so the list stays as
    /// large as the streams with data, not as every stream there ever was. A push to one of them creates it anew.
    /// </summary>
    public void Forget(IReadOnlyCollection<long> ids)
    {
        var gone = new List<long>();
        foreach (var id in ids)
        {
            if (_byId.TryRemove(id, out var stream))
            {
                _byLabels.TryRemove(stream.Labels, out _);
                gone.Add(id);
            }
        }

        if (gone.Count > 0)
        {
            var set = gone.ToHashSet();
            lock (_listGate)
            {
                _all = [.. _all.Where(s => !set.Contains(s.Id))];
            }

            Retired?.Invoke(gone);
        }
    }

    private void Publish(List<StoredStream> added)
    {
        var fresh = added.Where(s => _byLabels.TryAdd(s.Labels, s)).ToList();
        foreach (var stream in fresh)
        {
            _byId[stream.Id] = stream;
        }

        if (fresh.Count > 0)
        {
            lock (_listGate)
            {
                _all = [.. _all, .. fresh];
            }
        }
    }
}

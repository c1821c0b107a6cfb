using System.Buffers.Binary;
using System.Security.Cryptography;

namespace TovPlay.Logs.Domain.Audit;

/// <summary>A seal checkpoint: statements (previous checkpoint's last, <see cref="LastId"/>], how many, and the chain hash after them.</summary>
public sealed record SealCheckpoint(long Id, long FirstId, long LastId, long Count, byte[] PreviousHash, byte[] Hash);

/// <summary>
/// What verifying one checkpoint found. <see cref="Expired"/>: retention removed (some of) its statements, so it can
/// no longer be recomputed; it is neither intact nor broken, and the checkpoints after it still link to its hash.
/// </summary>
public sealed record SealFinding(SealCheckpoint Checkpoint, long CountFound, bool HashMatches, bool Expired = false)
{
    public bool Intact => !Expired && HashMatches && CountFound == Checkpoint.Count;

    /// <summary>Something was edited, removed or inserted: not intact, and not explained by retention.</summary>
    public bool Broken => !Intact && !Expired;

    public string Describe() => Expired
        ? $"Seal {Checkpoint.Id} (statements {Checkpoint.FirstId}-{Checkpoint.LastId}): expired, its statements are past retention."
        : Intact
        ? $"Seal {Checkpoint.Id} (statements {Checkpoint.FirstId}-{Checkpoint.LastId}): intact."
        : $"Seal {Checkpoint.Id} (statements {Checkpoint.FirstId}-{Checkpoint.LastId}): {Checkpoint.Count} statement(s) sealed, {CountFound} found"
          + (CountFound < Checkpoint.Count ? ", so some were removed" : CountFound > Checkpoint.Count ? ", so some were inserted" : "")
          + (HashMatches ? "." : "; the hash differs: statements or their rows were edited, removed or inserted after sealing.");
}

/// <summary>
/// The hash chain that makes the trail tamper-evident: each statement (with a digest of its rows) extends the chain,
/// and checkpoints keep where the chain stood. Editing, removing or inserting a sealed statement or row changes every
/// hash after it, which verification recomputes.
/// </summary>
public static class HashChain
{
    public static byte[] Genesis { get; } = new byte[32];

    /// <summary>SHA-256 over the previous hash, the statement id and the statement's digest.</summary>
    public static byte[] Next(byte[] previous, long statementId, byte[] digest)
    {
        Span<byte> buffer = stackalloc byte[32 + 8 + 32];
        previous.AsSpan(0, 32).CopyTo(buffer);
        BinaryPrimitives.WriteInt64BigEndian(buffer[32..], statementId);
        digest.AsSpan(0, 32).CopyTo(buffer[40..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>The chain over statements in id order, from <paramref name="previous"/>.</summary>
    public static byte[] Extend(byte[] previous, IEnumerable<(long Id, byte[] Digest)> statements)
    {
        var hash = previous;
        foreach (var (id, digest) in statements)
        {
            hash = Next(hash, id, digest);
        }

        return hash;
    }
}

using System.IO.Hashing;

namespace TovPlay.Logs.Web.LogStore;

/// <summary>UTF-8 lines compared by their bytes, hashed by them too.</summary>
internal sealed class Utf8LineComparer : IEqualityComparer<ReadOnlyMemory<byte>>
{
    public static readonly Utf8LineComparer Instance = new();

    public bool Equals(ReadOnlyMemory<byte> x, ReadOnlyMemory<byte> y) => x.Span.SequenceEqual(y.Span);

    public int GetHashCode(ReadOnlyMemory<byte> line) => (int)XxHash3.HashToUInt64(line.Span);
}

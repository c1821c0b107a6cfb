using System.Text;
using TovPlay.Logs.Domain.Logs.Push;

namespace TovPlay.Logs.Domain.Tests.Logs;

public sealed class LineSlabTests
{
    [Fact]
    public void LinesKeepTheirOwnBytes_AcrossArrays_LongOnesInArraysOfTheirOwn_AndRoomLeftUnusedIsTakenByTheNext()
    {
        var slab = new LineSlab();
        var expected = new List<byte[]>();
        var lines = new List<ReadOnlyMemory<byte>>();
        for (var i = 0; i < 2_000; i++)
        {
            var text = i % 97 == 3 ? new string((char)('a' + (i % 26)), LineSlab.ArrayBytes / 4 + 1 + i) : $"line {i} {new string('é', i % 300)}";
            var bytes = Encoding.UTF8.GetBytes(text);
            expected.Add(bytes);
            if (i % 2 == 0)
            {
                lines.Add(slab.Copy(bytes));
            }
            else
            {
                // Reserved generously, as the JSON reader reserves a string's escaped length, then committed shorter.
                var room = slab.Reserve(bytes.Length + 40);
                bytes.CopyTo(room.Span);
                lines.Add(slab.Commit(bytes.Length));
            }
        }

        Assert.Equal(expected.Count, lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            Assert.True(expected[i].AsSpan().SequenceEqual(lines[i].Span), $"line {i} changed");
        }

        // Short lines share arrays back to back: the room a line reserved but did not use went to the next one.
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(lines[0], out var first));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(lines[1], out var second));
        Assert.Same(first.Array, second.Array);
        Assert.Equal(first.Offset + first.Count, second.Offset);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(lines[2], out var third));
        Assert.Equal(second.Offset + second.Count, third.Offset);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(lines[3], out var ownArray));
        Assert.Equal(expected[3].Length + 40, ownArray.Array!.Length);
    }
}

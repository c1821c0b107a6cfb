using TovPlay.Logs.Domain.LogQL.Evaluation;

namespace TovPlay.Logs.Domain.Tests.LogQL.Evaluation;

/// <summary>The parsers' cache of repeated strings gives back the text asked for, shared when it repeats, whatever collides.</summary>
public sealed class StringPoolTests
{
    [Fact]
    public void ManyMoreTextsThanSlots_EachComesBackAsItself_AndARepeatIsTheSameInstance()
    {
        var pool = new StringPool(slots: 16, maxLength: 24);
        var texts = Enumerable.Range(0, 5_000).Select(i => $"v{i}").ToList();

        foreach (var text in texts)
        {
            Assert.Equal(text, pool.Get(text.AsSpan()));
        }

        var first = pool.Get("GET".AsSpan());
        Assert.Same(first, pool.Get("GET".ToCharArray()));
        Assert.Equal("", pool.Get(ReadOnlySpan<char>.Empty));
    }

    [Fact]
    public void Utf8Text_SharesTheSlotsOfItsCharacters_AndOtherTextIsDecodedEachTime()
    {
        var pool = new StringPool(slots: 16, maxLength: 24);

        var fromChars = pool.Get("GET".AsSpan());
        Assert.Same(fromChars, pool.Get("GET"u8));
        Assert.Same(pool.Get("POST"u8), pool.Get("POST".AsSpan()));

        var accented = System.Text.Encoding.UTF8.GetBytes("été");
        Assert.Equal("été", pool.Get(accented));
        Assert.Equal("été", pool.Get(accented));
        Assert.Equal("", pool.Get(ReadOnlySpan<byte>.Empty));
        Assert.All(Enumerable.Range(0, 2_000), i => Assert.Equal($"v{i}", pool.Get(System.Text.Encoding.UTF8.GetBytes($"v{i}"))));
    }

    [Fact]
    public void ATextLongerThanTheBound_IsCopiedNotKept()
    {
        var pool = new StringPool(slots: 16, maxLength: 4);

        var long1 = pool.Get("abcdef".AsSpan());
        var long2 = pool.Get("abcdef".AsSpan());

        Assert.Equal("abcdef", long1);
        Assert.NotSame(long1, long2);
    }
}

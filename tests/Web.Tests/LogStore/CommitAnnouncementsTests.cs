using TovPlay.Logs.Web.LogStore;

namespace TovPlay.Logs.Web.Tests.LogStore;

public sealed class CommitAnnouncementsTests
{
    [Fact]
    public void Encode_ManyStreams_SplitsBelowNotifysLimit_AndAnotherInstanceDecodesThemAll()
    {
        var sender = new CommitAnnouncements();
        var receiver = new CommitAnnouncements();
        var ranges = Enumerable.Range(1, 500).Select(i => new CommittedRange(i, 1_795_716_400_000_000_000 + i, 1_795_716_400_000_000_000 + i * 2, i)).ToList();

        var payloads = sender.Encode(ranges);

        Assert.True(payloads.Count > 1);
        Assert.All(payloads, p => Assert.True(System.Text.Encoding.UTF8.GetByteCount(p) < 8000));
        Assert.Equal(ranges, payloads.SelectMany(p => receiver.Decode(p)!));
    }

    [Fact]
    public void Decode_OwnNotice_IsIgnored()
    {
        var instance = new CommitAnnouncements();

        Assert.Null(instance.Decode(instance.Encode([new CommittedRange(1, 2, 3, 1)]).Single()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("v2|abc|1:2:3:4")]
    [InlineData("v1|abc|1:2:3")]
    [InlineData("v1|abc|x:2:3:4")]
    public void Decode_Unreadable_IsNull(string payload)
    {
        Assert.Null(new CommitAnnouncements().Decode(payload));
    }
}

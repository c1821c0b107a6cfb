using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Tests.Logs;

public sealed class CorrelationIdTests
{
    [Theory]
    [InlineData("3f2b9a1e-7c4d-4e0a-9b61-2d5c8e7f1a30")]
    [InlineData("req_123.abc:7")]
    public void ReuseOrCreate_AcceptableIncoming_KeepsIt(string incoming) =>
        Assert.Equal(incoming, CorrelationId.ReuseOrCreate(incoming));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("line\nbreak")]
    [InlineData("quote\"")]
    [InlineData("<script>")]
    public void ReuseOrCreate_UnsafeIncoming_CreatesUuid(string? incoming)
    {
        var id = CorrelationId.ReuseOrCreate(incoming);

        Assert.NotEqual(incoming, id);
        Assert.True(Guid.TryParseExact(id, "D", out _));
    }

    [Fact]
    public void IsValid_LongerThanMax_IsRejected()
    {
        Assert.True(CorrelationId.IsValid(new string('a', CorrelationId.MaxLength)));
        Assert.False(CorrelationId.IsValid(new string('a', CorrelationId.MaxLength + 1)));
    }

    [Fact]
    public void New_TwoCalls_Differ() => Assert.NotEqual(CorrelationId.New(), CorrelationId.New());
}

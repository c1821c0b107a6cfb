using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Tests.Logs;

public sealed class ShortTextTests
{
    [Theory]
    [InlineData("abc", 3, "abc")]
    [InlineData("abcd", 3, "ab…")]
    [InlineData("", 3, "")]
    public void TextLongerThanItsRoom_EndsInAnEllipsis_WithinTheRoom(string text, int max, string expected)
    {
        Assert.Equal(expected, ShortText.Cut(text, max));
        Assert.Equal(expected, ShortText.CutOrNull(text, max));
    }

    [Fact]
    public void NoText_StaysNoText() => Assert.Null(ShortText.CutOrNull(null, 10));
}

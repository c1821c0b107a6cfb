using TovPlay.Logs.Domain.Security;

namespace TovPlay.Logs.Domain.Tests.Security;

public sealed class SignInBackoffTests
{
    private static readonly SignInBackoff s_backoff = new(5, TimeSpan.FromMinutes(15));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(4, 0)]
    [InlineData(5, 1)]
    [InlineData(6, 2)]
    [InlineData(9, 16)]
    [InlineData(14, 512)]
    [InlineData(15, 900)]
    [InlineData(1_000_000, 900)]
    public void TheWait_IsFreeForMistypes_ThenDoubles_UpToTheCap(int failures, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), s_backoff.WaitAfter(failures));
    }

    [Fact]
    public void ATally_IsRemembered_PastTheLongestWait()
    {
        Assert.True(s_backoff.Memory > s_backoff.MaxWait);
    }
}

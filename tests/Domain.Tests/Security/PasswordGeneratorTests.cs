using TovPlay.Logs.Domain.Security;

namespace TovPlay.Logs.Domain.Tests.Security;

public sealed class PasswordGeneratorTests
{
    [Fact]
    public void Generate_Default_HasEveryCharacterClass()
    {
        for (var i = 0; i < 200; i++)
        {
            var password = PasswordGenerator.Generate();

            Assert.Equal(PasswordGenerator.DefaultLength, password.Length);
            Assert.Contains(password, char.IsLower);
            Assert.Contains(password, char.IsUpper);
            Assert.Contains(password, char.IsDigit);
            Assert.Contains(password, c => !char.IsLetterOrDigit(c));
        }
    }

    [Fact]
    public void Generate_ManyTimes_NeverRepeats()
    {
        var seen = Enumerable.Range(0, 1000).Select(_ => PasswordGenerator.Generate()).ToHashSet();

        Assert.Equal(1000, seen.Count);
    }

    [Fact]
    public void Generate_TooShort_Throws() => Assert.Throws<ArgumentOutOfRangeException>(() => PasswordGenerator.Generate(7));
}

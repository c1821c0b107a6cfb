using TovPlay.Logs.Domain.Security;

namespace TovPlay.Logs.Domain.Tests.Security;

public sealed class AccountEmailTests
{
    [Theory]
    [InlineData("ops@tovplay.org")]
    [InlineData("first.last+oncall@mail.tovplay.org")]
    [InlineData("  spaced@tovplay.org ")]
    public void AnOrdinaryAddress_IsTaken(string email) => Assert.Null(AccountEmail.Problem(email));

    [Theory]
    [InlineData("bob smith@tovplay.org")]
    [InlineData("bob")]
    [InlineData("bob@")]
    [InlineData("bob@localhost")]
    [InlineData("bób@tovplay.org")]
    [InlineData("bob@tovplay.org<script>")]
    public void AnAddressAUserNameCannotHold_IsRefusedInTheFormsWords(string email) =>
        Assert.StartsWith("Enter an email address such as name@tovplay.org", AccountEmail.Problem(email));

    [Fact]
    public void EmptyOrTooLong_SaySo()
    {
        Assert.Equal("Enter the new user's email address.", AccountEmail.Problem(" "));
        Assert.Equal("An email address has at most 256 characters.", AccountEmail.Problem(new string('a', 250) + "@tovplay.org"));
    }
}

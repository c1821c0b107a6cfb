using System.Text.RegularExpressions;

namespace TovPlay.Logs.Domain.Security;

/// <summary>
/// Which email addresses can name an account. The address is also the account's user name, so it keeps to the
/// characters a user name may hold (letters, digits, <c>. _ + -</c>, and the <c>@</c>); checked the same way in the
/// form and on the server, so an address the form takes is never refused later in other words.
/// </summary>
public static partial class AccountEmail
{
    public const int MaxLength = 256;

    /// <summary>Why <paramref name="email"/> cannot name an account, or null.</summary>
    public static string? Problem(string? email)
    {
        email = email?.Trim() ?? "";
        if (email.Length == 0)
        {
            return "Enter the new user's email address.";
        }

        if (email.Length > MaxLength)
        {
            return $"An email address has at most {MaxLength} characters.";
        }

        return Shape().IsMatch(email)
            ? null
            : "Enter an email address such as name@tovplay.org: letters, digits and . _ + - before the @, a domain after it, no spaces.";
    }

    [GeneratedRegex(@"^[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")]
    private static partial Regex Shape();
}

namespace TovPlay.Logs.Web.Security;

/// <summary>
/// Why a single sign-on could not finish, as the code the callback puts in the sign-in page's address. The page
/// shows the text for a known code only: text in a link is anyone's to write.
/// </summary>
public static class ExternalSignInError
{
    public const string Incomplete = "incomplete";
    public const string Locked = "locked";
    public const string NoEmail = "no-email";
    public const string NotCreated = "not-created";
    public const string NotLinked = "not-linked";

    public static string Message(string? code) => code switch
    {
        Incomplete => "The identity provider did not complete the sign-in.",
        Locked => "This account is locked. Ask an admin to unlock it.",
        NoEmail => "The identity provider sent no email address, so no account could be matched.",
        NotCreated => "The account could not be created. An admin can see why in the audit trail.",
        NotLinked => "The sign-in could not be linked to the account. An admin can see why in the audit trail.",
        _ => "Single sign-on did not complete. Try again.",
    };
}

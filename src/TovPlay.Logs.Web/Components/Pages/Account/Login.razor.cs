using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Web.Model.Forms;
using TovPlay.Logs.Web.Security;

namespace TovPlay.Logs.Web.Components.Pages.Account;

/// <summary>
/// Password sign-in. Rendered statically and posted as a plain form, because setting the auth cookie
/// needs an HTTP response, which an interactive circuit does not have.
/// </summary>
public partial class Login
{
    private static readonly LoginInputValidator s_validator = new();

    [Inject]
    public required IPasswordSignIn PasswordSignIn { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required IOptions<OpenIdConnectSettings> SingleSignOn { get; init; }

    [SupplyParameterFromForm(FormName = "login")]
    public LoginInput? Input { get; set; }

    [SupplyParameterFromQuery]
    public string? ReturnUrl { get; set; }

    /// <summary>Set by the single sign-on callback when it could not finish.</summary>
    [SupplyParameterFromQuery(Name = "error")]
    public string? ExternalError { get; set; }

    private string? ErrorMessage { get; set; }

    protected override void OnInitialized()
    {
        // The form binder leaves this null on a GET; the field names must stay "Input.*" to bind on POST.
        Input ??= new LoginInput();
        if (!string.IsNullOrEmpty(ExternalError))
        {
            ErrorMessage = ExternalSignInError.Message(ExternalError);
        }
    }

    private async Task SignInAsync()
    {
        var attempt = await PasswordSignIn.SignInAsync(Input!.Email, Input.Password, Input.RememberMe);
        switch (attempt.Outcome)
        {
            case SignInOutcome.Succeeded:
                Navigation.NavigateTo(AccountEndpoints.SafeReturnUrl(ReturnUrl), forceLoad: true);
                break;
            case SignInOutcome.LockedOut:
                ErrorMessage = "This account is locked. Ask an admin to unlock it.";
                break;
            case SignInOutcome.Throttled:
                var seconds = (int)Math.Max(1, Math.Ceiling(attempt.RetryAfter?.TotalSeconds ?? 1));
                ErrorMessage = $"Too many failed sign-ins. Try again in {seconds} second{(seconds == 1 ? "" : "s")}.";
                break;
            default:
                ErrorMessage = "The email or password is incorrect.";
                break;
        }

        Input.Password = "";
    }
}

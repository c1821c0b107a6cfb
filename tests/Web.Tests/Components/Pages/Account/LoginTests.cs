using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using TovPlay.Logs.Web.Components.Pages.Account;
using TovPlay.Logs.Web.Security;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Components.Pages.Account;

public sealed class LoginTests : BunitContext
{
    private readonly FakePasswordSignIn _signIn;

    public LoginTests() : this(new SignInAttempt(SignInOutcome.Failed))
    {
    }

    private LoginTests(SignInAttempt answer)
    {
        _signIn = new FakePasswordSignIn(answer);
        Services.AddMudServices();
        Services.AddSingleton<IPasswordSignIn>(_signIn);
        Services.AddSingleton(Options.Create(new OpenIdConnectSettings()));
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    private IRenderedComponent<Login> Submit(string email, string password)
    {
        var cut = Render<Login>();
        cut.Find("#login-email").Change(email);
        cut.Find("#login-password").Change(password);
        cut.Find("form").Submit();
        return cut;
    }

    [Fact]
    public void Submit_Empty_ShowsBothFieldMessagesAndDoesNotSignIn()
    {
        var cut = Submit("", "");

        var messages = cut.FindAll(".validation-message").Select(m => m.TextContent).ToList();
        Assert.Contains("Enter your email address.", messages);
        Assert.Contains("Enter your password.", messages);
        Assert.Empty(_signIn.Calls);
    }

    [Fact]
    public void Submit_MalformedEmail_SaysWhatAnEmailLooksLike()
    {
        var cut = Submit("not-an-email", "whatever");

        Assert.Equal("Enter an email address such as name@tovplay.org.", cut.Find(".validation-message").TextContent);
        Assert.Empty(_signIn.Calls);
    }

    [Fact]
    public void Submit_Valid_CallsSignInAndShowsFailure()
    {
        var cut = Submit("ops@tovplay.org", "a-password");

        Assert.Equal(("ops@tovplay.org", "a-password", false), Assert.Single(_signIn.Calls));
        Assert.Equal("The email or password is incorrect.", cut.Find("[data-testid=login-error]").TextContent.Trim());
        Assert.Empty(cut.FindAll(".validation-message"));
    }

    [Fact]
    public void Render_WithoutSingleSignOn_HasNoSsoButton()
    {
        var cut = Render<Login>();

        Assert.Single(cut.FindAll("form"));
        Assert.DoesNotContain("Single sign-on", cut.Markup, StringComparison.Ordinal);
    }
}

public sealed class LoginSingleSignOnTests : BunitContext
{
    [Fact]
    public void Render_WithSingleSignOn_OffersItsButton()
    {
        Services.AddMudServices();
        Services.AddSingleton<IPasswordSignIn>(new FakePasswordSignIn(new SignInAttempt(SignInOutcome.Failed)));
        Services.AddSingleton(Options.Create(new OpenIdConnectSettings { Authority = "https://id.tovplay.org", ClientId = "logs", DisplayName = "TovPlay SSO" }));
        JSInterop.Mode = JSRuntimeMode.Loose;

        var cut = Render<Login>();

        var sso = cut.FindAll("form").Single(f => f.GetAttribute("action") == "account/external-login");
        Assert.Contains("TovPlay SSO", sso.TextContent, StringComparison.Ordinal);
    }
}

using System.Net;
using System.Text.RegularExpressions;

namespace TovPlay.Logs.Web.Tests.Shared;

/// <summary>Signs in the way a browser does: GET the form, read its antiforgery token, POST it back.</summary>
public static partial class SignInClient
{
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password, string? returnUrl = null, string? correlationId = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var form = await client.GetStringAsync("account/login", ct);
        var token = AntiforgeryToken(form);
        var url = returnUrl is null ? "account/login" : $"account/login?ReturnUrl={Uri.EscapeDataString(returnUrl)}";
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "login",
                ["__RequestVerificationToken"] = token,
                ["Input.Email"] = email,
                ["Input.Password"] = password,
            }),
        };
        if (correlationId is not null)
        {
            request.Headers.Add("X-Correlation-ID", correlationId);
        }

        return await client.SendAsync(request, ct);
    }

    /// <summary>A client signed in as the user; fails the test if sign-in does not redirect into the app.</summary>
    /// <param name="cookies">Where the client keeps its cookies, for a test that reuses or copies them.</param>
    public static async Task<HttpClient> SignedInAsync(TestApp app, TestUser user, CookieContainer? cookies = null)
    {
        var client = app.CreateBrowserLikeClient(cookies: cookies);
        using var response = await PostLoginAsync(client, user.Email, user.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/logs/", LocationPath(response), StringComparison.Ordinal);
        return client;
    }

    /// <summary>
    /// Where a redirect points, as a path and query; an absolute Location must name this same server,
    /// so a redirect to another host can never pass for a local one.
    /// </summary>
    public static string LocationPath(HttpResponseMessage response)
    {
        var location = response.Headers.Location;
        if (location is null)
        {
            return "";
        }

        if (!location.IsAbsoluteUri)
        {
            return location.OriginalString;
        }

        Assert.Equal(response.RequestMessage?.RequestUri?.Authority, location.Authority);
        return location.PathAndQuery;
    }

    public static string AntiforgeryToken(string html)
    {
        var match = TokenPattern().Match(html);
        Assert.True(match.Success, "The page has no antiforgery token.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}

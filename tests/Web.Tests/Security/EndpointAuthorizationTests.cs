using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Security;

/// <summary>
/// Walks every endpoint the app maps and proves an anonymous caller is refused, unless the endpoint is on
/// the allow-list below. A new endpoint added without authorisation fails here.
/// </summary>
public sealed class EndpointAuthorizationTests(WebAppFixture fixture)
{
    /// <summary>Endpoints that must work without signing in, by route pattern.</summary>
    private static readonly HashSet<string> s_anonymousAllowList = new(StringComparer.Ordinal)
    {
        "account/login",
        "account/access-denied",
        "account/external-login",
        "account/external-callback",
        "error",
        "healthz",
        "readyz",
        "loki/ready",
        // Browsers post their lines without an account; the endpoint defends itself (origin, size, rate, schema).
        "api/ingest/frontend",
    };

    /// <summary>Static files (styles, scripts, fonts) hold no data and must load on the sign-in page.</summary>
    private static readonly string[] s_staticAssetPrefixes = ["_content/", "_framework/", "css/", "js/", "lib/"];

    [Fact]
    public async Task EveryEndpoint_Anonymous_IsRefusedUnlessAllowListed()
    {
        var endpoints = MappedEndpoints().ToList();
        Assert.Contains(endpoints, e => e.Pattern == "admin/users");
        Assert.Contains(endpoints, e => e.Pattern.StartsWith("_blazor", StringComparison.Ordinal));

        using var client = fixture.App.CreateBrowserLikeClient();
        var failures = new List<string>();
        var checkedCount = 0;
        foreach (var (pattern, method) in endpoints)
        {
            if (IsAllowListed(pattern))
            {
                continue;
            }

            checkedCount++;
            using var request = new HttpRequestMessage(new HttpMethod(method), SampleUrl(pattern));
            if (method is "POST" or "PUT" or "PATCH")
            {
                request.Content = new FormUrlEncodedContent([]);
            }

            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            if (!IsRefusal(response))
            {
                failures.Add($"{method} /logs/{pattern} answered {(int)response.StatusCode} {response.Headers.Location}");
            }
        }

        Assert.True(checkedCount >= 15, $"Only {checkedCount} endpoints were checked; the enumeration is broken.");
        Assert.True(failures.Count == 0, "Reachable without signing in:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task AllowListedPages_Anonymous_AreReachable()
    {
        using var client = fixture.App.CreateBrowserLikeClient();
        foreach (var path in new[] { "account/login", "healthz", "readyz" })
        {
            using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task ApiStyleRequest_Anonymous_Gets401NotRedirect()
    {
        using var client = new HttpClient { BaseAddress = fixture.App.AppUri };
        using var request = new HttpRequestMessage(HttpMethod.Get, "admin/users");
        request.Headers.Accept.ParseAdd("application/json");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private IEnumerable<(string Pattern, string Method)> MappedEndpoints()
    {
        var source = fixture.App.Services.GetRequiredService<EndpointDataSource>();
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            foreach (var method in methods is { Count: > 0 } ? methods : ["GET"])
            {
                yield return (pattern, method);
            }
        }
    }

    private static bool IsAllowListed(string pattern) =>
        s_anonymousAllowList.Contains(pattern) || s_staticAssetPrefixes.Any(p => pattern.StartsWith(p, StringComparison.Ordinal));

    /// <summary>Fills route parameters with plausible values so the request reaches the endpoint.</summary>
    private static string SampleUrl(string pattern)
    {
        var parsed = RoutePatternFactory.Parse(pattern);
        var segments = parsed.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter => parameter.ParameterPolicies.Any(p => p.Content is "int" or "long") ? "1" : "sample",
            _ => "",
        })));
        return string.Join('/', segments);
    }

    private static bool IsRefusal(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
        || (response.StatusCode == HttpStatusCode.Redirect
            && SignInClient.LocationPath(response).Contains("/logs/account/login", StringComparison.Ordinal) == true);
}

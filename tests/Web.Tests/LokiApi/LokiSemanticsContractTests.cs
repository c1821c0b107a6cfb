using TovPlay.Logs.Tests.LokiSemantics;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.LokiApi;

/// <summary>
/// The embedded store over HTTP, asked every question a real Loki 2.8.0 answered (loki-2.8.0-semantics): the data
/// set pushed through the push API (moved to the last day, under a run of its own), each case sent with the same
/// parameters to the same endpoint, the answers compared as the fixture's README says. Only the reviewed known
/// differences may differ.
/// </summary>
public sealed class LokiSemanticsContractTests(WebAppFixture fixture)
{
    private static readonly SemaphoreSlim s_pushOnce = new(1, 1);
    private static (TestApp App, LokiPushClient Client, SemanticsShift Shift)? s_pushed;

    public static TheoryData<string> CaseIds => [.. SemanticsFixture.Cases.Select(c => c.Id)];

    [Theory]
    [MemberData(nameof(CaseIds))]
    public async Task TheEmbeddedStore_AnswersAsLoki(string id)
    {
        var @case = SemanticsFixture.Case(id);
        var (client, shift) = await PushedAsync();

        var query = string.Join('&', @case.ParametersFor(shift).Select(p => $"{LokiPushClient.Q(p.Key)}={LokiPushClient.Q(p.Value)}"));
        var (status, body) = await client.GetAsync($"{@case.Endpoint["/api/v1/".Length..]}?{query}");

        KnownDifferences.Check(@case, Answer.FromLoki(status, body, shift));
    }

    /// <summary>The data set, pushed once per app the tests run against.</summary>
    private async Task<(LokiPushClient Client, SemanticsShift Shift)> PushedAsync()
    {
        await s_pushOnce.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (s_pushed is not { } pushed || pushed.App != fixture.App)
            {
                var client = new LokiPushClient(fixture.App, await fixture.CreateApiKeyAsync());
                var shift = SemanticsFixture.ShiftFor(LokiPushClient.NowNs);
                using var response = await client.PushJsonAsync(SemanticsFixture.ShiftedPushBody(shift));
                Assert.True(response.IsSuccessStatusCode, $"push answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
                s_pushed = pushed = (fixture.App, client, shift);
            }

            return (pushed.Client, pushed.Shift);
        }
        finally
        {
            s_pushOnce.Release();
        }
    }
}

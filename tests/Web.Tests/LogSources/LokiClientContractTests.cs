using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.LogSources.Loki;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.LogSources;

/// <summary>
/// The contract, against the Loki client talking to the embedded store's Loki API over real HTTP and WebSocket, with
/// a tiny page size so every larger read goes through paging.
/// </summary>
public class LokiClientContractTests(WebAppFixture fixture) : LogSourceContract(fixture)
{
    /// <summary>The limits the client believes Loki has; small, so reads are paged.</summary>
    protected virtual LogSourceOptions Limits => new() { LokiMaxEntriesPerQuery = 7 };

    protected override async Task<ILogSource> SourceAsync()
    {
        var options = new LogSourceOptions
        {
            Kind = LogSourceOptions.Loki,
            Url = Fixture.App.AppUri.ToString(),
            Username = "contract",
            Password = await Fixture.CreateApiKeyAsync(push: false, read: true),
            LokiMaxEntriesPerQuery = Limits.LokiMaxEntriesPerQuery,
            LokiMaxQueryLength = Limits.LokiMaxQueryLength,
            LokiMaxPointsPerSeries = Limits.LokiMaxPointsPerSeries,
            LokiAttemptTimeout = TimeSpan.FromSeconds(20),
        };
        var services = new ServiceCollection();
        LogSourceServices.AddLokiClient(services, options);
        var provider = services.BuildServiceProvider();
        return new LokiLogSource(provider.GetRequiredService<IHttpClientFactory>(), Options.Create(options), NullLogger<LokiLogSource>.Instance);
    }
}

/// <summary>
/// The contract again, with a Loki whose maximum query length is 7 minutes and whose series hold at most 4 points:
/// every range is read in windows and every metric query in pieces, and the answers must not change.
/// </summary>
public sealed class LokiClientSplittingContractTests(WebAppFixture fixture) : LokiClientContractTests(fixture)
{
    protected override LogSourceOptions Limits => new()
    {
        LokiMaxEntriesPerQuery = 7,
        LokiMaxQueryLength = TimeSpan.FromMinutes(7),
        LokiMaxPointsPerSeries = 4,
    };
}

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
public sealed class LokiClientContractTests(WebAppFixture fixture) : LogSourceContract(fixture)
{
    protected override async Task<ILogSource> SourceAsync()
    {
        var options = new LogSourceOptions
        {
            Kind = LogSourceOptions.Loki,
            Url = Fixture.App.AppUri.ToString(),
            Username = "contract",
            Password = await Fixture.CreateApiKeyAsync(push: false, read: true),
            LokiMaxEntriesPerQuery = 7,
            LokiAttemptTimeout = TimeSpan.FromSeconds(20),
        };
        var services = new ServiceCollection();
        LogSourceServices.AddLokiClient(services, options);
        var provider = services.BuildServiceProvider();
        return new LokiLogSource(provider.GetRequiredService<IHttpClientFactory>(), Options.Create(options), NullLogger<LokiLogSource>.Instance);
    }
}

using TovPlay.Logs.Web.LogSources;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.LogSources;

/// <summary>The contract, against the embedded store in-process.</summary>
public sealed class EmbeddedSourceContractTests(WebAppFixture fixture) : LogSourceContract(fixture)
{
    protected override Task<ILogSource> SourceAsync() => Task.FromResult(Fixture.App.Services.GetRequiredService<ILogSource>());
}

using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Web.Components.Controls;
using TovPlay.Logs.Web.Investigations;

namespace TovPlay.Logs.Web.Tests.Components.Controls;

/// <summary>A row change as the Audit page and the row history show it: every value, but never a secret's.</summary>
public sealed class RowChangeTableTests : BunitContext
{
    public RowChangeTableTests() => Services.AddSingleton(Options.Create(new InvestigationOptions()));

    [Fact]
    public void AnUpdatedAccount_ShowsTheEmailBeforeAndAfter_ButOnlyThatThePasswordHashChanged()
    {
        var change = new RowChange(7, 1, """{"id":14,"email":"nico@example.org","password_hash":"scrypt:old-hash"}""", """{"id":14,"email":"owner@evil.example","password_hash":"scrypt:new-hash"}""");

        var table = Render<RowChangeTable>(p => p.Add(t => t.Change, change));

        var hash = table.Find("tr[data-column=password_hash]");
        Assert.Equal("changed", hash.ClassName);
        Assert.Equal([RowChangeTable.SecretShown, RowChangeTable.SecretShown], hash.QuerySelectorAll("td").Select(td => td.TextContent));
        Assert.Equal(["\"nico@example.org\"", "\"owner@evil.example\""], table.Find("tr[data-column=email]").QuerySelectorAll("td").Select(td => td.TextContent));
        Assert.DoesNotContain("scrypt", table.Markup, StringComparison.Ordinal);
    }
}

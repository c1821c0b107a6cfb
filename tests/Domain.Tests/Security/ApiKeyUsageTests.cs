using TovPlay.Logs.Domain.Security;

namespace TovPlay.Logs.Domain.Tests.Security;

public sealed class ApiKeyUsageTests
{
    [Fact]
    public void Logcli_QuotesANameWithASpaceOrAQuote_ForTheShell()
    {
        var text = ApiKeyUsage.Logcli("https://app.tovplay.org/logs", "bob's ci runner", "tpl_abc_123");

        Assert.Equal(
            "export LOKI_ADDR='https://app.tovplay.org/logs'\nexport LOKI_USERNAME='bob'\\''s ci runner'\nexport LOKI_PASSWORD='tpl_abc_123'\nlogcli query '{job=~\".+\"}'",
            text.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Promtail_IsAClientsBlock_WithYamlQuotedValues()
    {
        var text = ApiKeyUsage.Promtail("https://app.tovplay.org/logs/loki/api/v1/push", "tpl_x'y");

        Assert.Equal(
            "clients:\n  - url: 'https://app.tovplay.org/logs/loki/api/v1/push'\n    bearer_token: 'tpl_x''y'",
            text.ReplaceLineEndings("\n"));
    }
}

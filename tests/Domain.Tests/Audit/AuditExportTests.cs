using System.Text.Json;
using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Domain.Tests.Audit;

public sealed class AuditExportTests
{
    private static readonly AuditStatement s_delete = new(
        12, 901, new DateTimeOffset(2026, 11, 27, 3, 14, 0, 250, TimeSpan.Zero), "public", "users", "DELETE", 3,
        "tovplay_app", null, null, null, "tovplay-backend", 4242, "7", "=HYPERLINK(\"http://x\")", "@evil", "-c-42", "+/api/users", "DELETE FROM users\nWHERE id < 4");

    private static async IAsyncEnumerable<AuditStatement> Of(params AuditStatement[] statements)
    {
        await Task.Yield();
        foreach (var s in statements)
        {
            yield return s;
        }
    }

    [Fact]
    public async Task Csv_HasAHeaderAndOneRowPerStatement_WithFormulaCellsDefused()
    {
        var writer = new StringWriter();

        await AuditExport.WriteCsvAsync(writer, Of(s_delete), TestContext.Current.CancellationToken);

        var lines = writer.ToString().Split("\r\n");
        Assert.Equal(string.Join(',', AuditExport.CsvHeader), lines[0]);
        Assert.Equal(
            "2026-11-27T03:14:00.250000Z,12,901,public,users,DELETE,3,tovplay_app,,7,\"'=HYPERLINK(\"\"http://x\"\")\",'@evil,,,tovplay-backend,4242,'-c-42,'+/api/users,\"DELETE FROM users\nWHERE id < 4\"",
            lines[1]);
    }

    [Fact]
    public async Task Json_IsAnArrayOfTheStatementsFields_WithTheWholeStatementText()
    {
        var writer = new StringWriter();
        var longer = s_delete with { Id = 13, Query = new string('x', 5000) };

        await AuditExport.WriteJsonAsync(writer, Of(s_delete, longer), TestContext.Current.CancellationToken);

        var array = JsonDocument.Parse(writer.ToString()).RootElement;
        Assert.Equal(2, array.GetArrayLength());
        Assert.Equal("2026-11-27T03:14:00.250000Z", array[0].GetProperty("time").GetString());
        Assert.Equal("=HYPERLINK(\"http://x\")", array[0].GetProperty("app_username").GetString());
        Assert.Equal(3, array[0].GetProperty("rows").GetInt64());
        Assert.Equal(5000, array[1].GetProperty("statement").GetString()!.Length);
    }

    [Fact]
    public async Task Json_OfNothing_IsAnEmptyArray()
    {
        var writer = new StringWriter();

        await AuditExport.WriteJsonAsync(writer, Of(), TestContext.Current.CancellationToken);

        Assert.Equal(0, JsonDocument.Parse(writer.ToString()).RootElement.GetArrayLength());
    }
}

using Npgsql;
using TovPlay.Logs.Web.Tests.Shared;

namespace TovPlay.Logs.Web.Tests.Data;

/// <summary>The audit table refuses to be rewritten, even by the app's own database user.</summary>
public sealed class AppAuditTrailTableTests(WebAppFixture fixture)
{
    [Theory]
    [InlineData("UPDATE app_audit_events SET actor = 'someone-else'")]
    [InlineData("DELETE FROM app_audit_events")]
    [InlineData("TRUNCATE app_audit_events")]
    public async Task AuditTable_Rewrite_IsRefused(string sql)
    {
        await using var connection = await fixture.Database.OpenAsync();
        await using (var insert = new NpgsqlCommand("INSERT INTO app_audit_events (actor, action, succeeded) VALUES ('tests', 'tests.row', true)", connection))
        {
            await insert.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await using var command = new NpgsqlCommand(sql, connection);
        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));

        Assert.Equal("42501", error.SqlState);
        Assert.Contains("append-only", error.MessageText, StringComparison.Ordinal);
    }
}

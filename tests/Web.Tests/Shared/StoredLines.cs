using Npgsql;

namespace TovPlay.Logs.Web.Tests.Shared;

/// <summary>Reads the store's table directly: what is on disk, whatever any app instance answers.</summary>
public static class StoredLines
{
    /// <summary>The lines of every stream whose labels include <c>run="…"</c>.</summary>
    public static async Task<List<string>> OfRunAsync(TestDatabase database, string run)
    {
        await using var connection = await database.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT e.line FROM logstore.entries e JOIN logstore.streams s ON s.id = e.stream_id WHERE s.labels LIKE @pattern", connection);
        command.Parameters.AddWithValue("pattern", $"%run=\"{run}\"%");
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }
}

using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Domain.Tests.Audit;

public sealed class RowChangeTests
{
    [Fact]
    public void Pair_MatchesAnUpdatesHalvesByOrdinal_AndLeavesOtherImagesAlone()
    {
        RowImage[] images =
        [
            new(9, 'N', 2, """{"id":2,"title":"GO"}"""),
            new(9, 'O', 1, """{"id":1,"title":"Chess"}"""),
            new(9, 'O', 2, """{"id":2,"title":"Go"}"""),
            new(9, 'N', 1, """{"id":11,"title":"Chess"}"""),
            new(4, 'N', 0, """{"id":1,"title":"Chess"}"""),
            new(4, 'N', 0, """{"id":2,"title":"Go"}"""),
        ];

        var changes = RowChange.Pair(images);

        Assert.Equal([(4L, 0), (4L, 0), (9L, 1), (9L, 2)], changes.Select(c => (c.StatementId, c.Ordinal)));
        Assert.Null(changes[0].Before);
        Assert.Equal(["id"], changes[2].ChangedColumns);
        Assert.Equal(["title"], changes[3].ChangedColumns);
        Assert.Equal(new ColumnChange("title", "\"Go\"", "\"GO\""), changes[3].Columns.Single(c => c.Changed));
    }

    [Fact]
    public void Columns_KeepTheImagesOrder_AndAHalfMissingShowsAsNull()
    {
        var deleted = new RowChange(3, 0, """{"id":5,"tags":["a","b"],"email":null}""", null);

        Assert.Equal([new ColumnChange("id", "5", null), new ColumnChange("tags", "[\"a\",\"b\"]", null), new ColumnChange("email", "null", null)], deleted.Columns);
        Assert.Empty(deleted.ChangedColumns);
    }

    [Fact]
    public void Key_IsTheKeyColumnsOfTheLatestImage_AsJson()
    {
        var update = new RowChange(9, 1, """{"user_id":1,"friend_id":2,"since":null}""", """{"user_id":1,"friend_id":3,"since":"2026-01-01"}""");

        Assert.Equal("""{"user_id":1,"friend_id":3}""", update.Key(["user_id", "friend_id"]));
        Assert.Null(update.Key([]));
        Assert.Null(update.Key(["missing"]));
    }
}

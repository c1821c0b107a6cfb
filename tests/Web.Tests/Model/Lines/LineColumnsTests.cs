using TovPlay.Logs.Domain.Logs;
using TovPlay.Logs.Web.Model.Lines;
using TovPlay.Logs.Web.Tail;

namespace TovPlay.Logs.Web.Tests.Model.Lines;

public sealed class LineColumnsTests
{
    private static ListedLine Line(string text, params (string, string)[] labels) => new(1, new TailLine(LabelSet.From(labels), 1, text));

    [Fact]
    public void Parse_KeepsDistinctNamesInOrder_WithinTheLimits()
    {
        var columns = LineColumns.Parse(" user , status,user,," + new string('x', 101) + ",a,b,c,d,e,f,g");

        Assert.Equal(["user", "status", "a", "b", "c", "d", "e", "f"], columns);
        Assert.Equal("user,status,a,b,c,d,e,f", LineColumns.Format(columns));
        Assert.Null(LineColumns.Format([]));
    }

    [Fact]
    public void Toggle_AddsThenRemoves()
    {
        var on = LineColumns.Toggle(["a"], "b");
        Assert.Equal(["a", "b"], on);
        Assert.Equal(["a"], LineColumns.Toggle(on, "b"));
    }

    [Fact]
    public void Field_LabelFirst_ThenJsonOrLogfmtField()
    {
        var json = Line("""{"user":"ann","req":{"path":"/api"}}""", ("job", "api"), ("user", "label-wins"));
        var logfmt = Line("level=warn user=bob msg=\"slow\"", ("job", "api"));

        Assert.Equal("label-wins", json.Field("user"));
        Assert.Equal("/api", json.Field("req_path"));
        Assert.Equal("bob", logfmt.Field("user"));
        Assert.Null(logfmt.Field("missing"));
        Assert.Equal(["job", "user", "req_path", "level", "msg"], LineColumns.Offered([json, logfmt]));
    }
}

using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Domain.Tests.Audit;

public sealed class AuditFilterTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static (bool Ok, AuditFilter Filter, IReadOnlyList<(string Field, string Message)> Errors) Read(params (string Name, string Value)[] values)
    {
        var ok = AuditFilter.TryRead(n => values.FirstOrDefault(v => v.Name == n).Value, out var filter, out var errors);
        return (ok, filter, errors);
    }

    [Fact]
    public void Empty_IsTheLastDay_AndOnlyTheWindowNarrows()
    {
        var (ok, filter, _) = Read();

        Assert.True(ok);
        var where = filter.ToSql(s_now);
        Assert.Equal("statement_at >= @from AND statement_at < @to", where.Sql);
        Assert.Equal([("from", (object)s_now.AddDays(-1)), ("to", s_now)], where.Parameters);
        Assert.Empty(filter.ToQuery());
    }

    [Fact]
    public void EveryField_BecomesAParameterisedCondition_NeverText()
    {
        var hostile = "x' OR '1'='1";
        var (ok, filter, _) = Read(("table", hostile), ("action", "truncate"), ("role", "dba"), ("user", "mallory"), ("client", "198.51.100.23"),
            ("application", "psql"), ("correlation", "c-1"), ("tx", "901"), ("from", "now-7d"), ("to", "now"));

        Assert.True(ok);
        var where = filter.ToSql(s_now);
        Assert.DoesNotContain(hostile, where.Sql);
        Assert.Contains("action = @action", where.Sql);
        Assert.Contains("(client_addr = @client::inet OR app_client_ip = @client)", where.Sql);
        Assert.Contains(("action", (object)"TRUNCATE"), where.Parameters);
        Assert.Contains(("table", (object)hostile), where.Parameters);
        Assert.Contains(("tx", (object)901L), where.Parameters);
        Assert.Contains(("from", (object)s_now.AddDays(-7)), where.Parameters);
        Assert.Equal(10, where.Parameters.Count);
    }

    [Fact]
    public void QueryString_RoundTrips()
    {
        var (_, filter, _) = Read(("table", "public.users"), ("action", "DELETE"), ("client", "::1"), ("tx", "7"), ("from", "1795749240000"), ("to", "1795752840000"));

        var text = filter.ToQueryString();
        var pairs = text.Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        Assert.True(AuditFilter.TryRead(pairs.GetValueOrDefault, out var again, out _));

        Assert.Equal(filter, again);
        Assert.Equal("table=public.users&action=DELETE&client=%3A%3A1&tx=7&from=1795749240000&to=1795752840000", text);
    }

    [Theory]
    [InlineData("action", "DESTROY", "must be one of INSERT, UPDATE, DELETE, TRUNCATE, DROP TABLE.")]
    [InlineData("client", "10.0.0", "'10.0.0' is not an IP address.")]
    [InlineData("tx", "-4", "'-4' is not a transaction id (a whole number).")]
    [InlineData("from", "yesterday", "From: 'yesterday' is not a time.")]
    public void BadInput_NamesTheFieldAndWhy(string field, string value, string message)
    {
        var (ok, _, errors) = Read((field, value));

        Assert.False(ok);
        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void Window_MaySpanTheYearTheTrailKeeps_ButNotMore()
    {
        Assert.True(Read(("from", "now-365d")).Ok);

        var (ok, _, errors) = Read(("from", "now-500d"));

        Assert.False(ok);
        Assert.Equal(("from", "The time range is longer than 400 days."), Assert.Single(errors));
    }
}

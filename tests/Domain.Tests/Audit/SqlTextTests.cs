using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Domain.Tests.Audit;

public sealed class SqlTextTests
{
    [Theory]
    [InlineData("users", "\"users\"")]
    [InlineData("Robert'); DROP TABLE users;--", "\"Robert'); DROP TABLE users;--\"")]
    [InlineData("a\"b", "\"a\"\"b\"")]
    public void Ident_QuotesAndDoublesQuotes(string name, string expected) => Assert.Equal(expected, SqlText.Ident(name));

    [Theory]
    [InlineData("")]
    [InlineData("a\0b")]
    [InlineData("a_name_that_is_far_too_long_for_postgresql_identifiers_to_hold_x")]
    public void Ident_RefusesWhatPostgreSqlCannotHold(string name) => Assert.Throws<ArgumentException>(() => SqlText.Ident(name));

    [Fact]
    public void Literal_DoublesSingleQuotes() => Assert.Equal("'it''s'", SqlText.Literal("it's"));

    [Fact]
    public void DollarQuoted_PicksATagTheBodyDoesNotHold()
    {
        Assert.Equal("$audit$x$audit$", SqlText.DollarQuoted("x"));
        Assert.Equal("$audit0$a $audit$ b$audit0$", SqlText.DollarQuoted("a $audit$ b"));
    }
}

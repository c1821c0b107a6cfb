using TovPlay.Logs.Domain.Audit;
using TovPlay.Logs.Domain.LogQL;
using TovPlay.Logs.Domain.LogQL.Ast;
using TovPlay.Logs.Domain.LogQL.Evaluation;
using TovPlay.Logs.Domain.Logs;

namespace TovPlay.Logs.Domain.Tests.Audit;

public sealed class AuditLogLineTests
{
    private static readonly AuditStatement s_truncate = new(
        7, 901, new DateTimeOffset(2026, 11, 27, 3, 14, 0, TimeSpan.Zero), "public", "users", "TRUNCATE", 1842,
        "dba", "dba", "198.51.100.23", 50122, "psql", 4242, null, null, null, null, null, "TRUNCATE users CASCADE;\n-- \"oops\" = C:\\temp");

    [Fact]
    public void Line_IsJsonTheLibraryReads_EscapingWhatNeedsIt_LeavingOutWhatIsUnknown()
    {
        var line = AuditLogLine.Line(s_truncate);

        Assert.Equal("""{"action":"TRUNCATE","table":"users","schema":"public","rows":1842,"db_user":"dba","invoking_role":"dba","client_addr":"198.51.100.23","client_port":50122,"application":"psql","backend_pid":4242,"txid":901,"statement_id":7,"statement":"TRUNCATE users CASCADE;\n-- \"oops\" = C:\\temp"}""", line);
        Assert.Equal(LabelSet.From(("job", "tovplay-db-audit"), ("service", "postgres"), ("level", "warn")), AuditLogLine.Labels(s_truncate));
        Assert.Equal(1795749240000000000, AuditLogLine.TimestampNs(s_truncate));
    }

    [Fact]
    public void Line_ReadBackByTheJsonStage_GivesTheSameFields()
    {
        var query = (LogQueryExpr)LogQLQuery.Parse("{job=\"tovplay-db-audit\"} | json");
        var stream = new LogStream(AuditLogLine.Labels(s_truncate), [new LogEntry(AuditLogLine.TimestampNs(s_truncate), AuditLogLine.Line(s_truncate))]);

        var result = Assert.Single(LogQueryEvaluator.Run(query, new InMemoryLogSource([stream]), 0, long.MaxValue, Direction.Forward, 10));

        Assert.Equal("1842", result.Labels["rows"]);
        Assert.Equal("TRUNCATE users CASCADE;\n-- \"oops\" = C:\\temp", result.Labels["statement"]);
    }

    [Fact]
    public void SealLine_CarriesTheCheckpointAndItsHashInHex()
    {
        var checkpoint = new SealCheckpoint(4, 101, 250, 120, HashChain.Genesis, Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());

        Assert.Equal("""{"event":"seal","database":"tovplay","seal_id":4,"first_statement_id":101,"last_statement_id":250,"statements":120,"hash":"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"}""",
            AuditLogLine.SealLine("tovplay", checkpoint));
    }
}

using TovPlay.Logs.Domain.Investigations;

namespace TovPlay.Logs.Domain.Tests.Investigations;

public sealed class FindingTests
{
    private static readonly Evidence s_row = new("audit", "SELECT * FROM tovplay_audit.statements WHERE id = 7", "id=7 action=TRUNCATE rows=1842", DateTimeOffset.UnixEpoch);

    [Fact]
    public void Direct_IsCertain_AndSaysSo()
    {
        var finding = Finding.Direct(InvestigationStep.Who, "Role dba truncated public.users", "audit statement 7", s_row);

        Assert.Equal((FindingBasis.Direct, 1.0, "audit trail · direct evidence"), (finding.Basis, finding.Confidence, finding.BasisLabel));
    }

    [Fact]
    public void Inferred_CarriesItsConfidence_AndCannotClaimCertainty()
    {
        var finding = Finding.Inferred(InvestigationStep.Why, "Request POST /api/users/bulk-delete made it", "same user and path within 2 s", 0.7, s_row);

        Assert.Equal("inference from audit trail (70% confidence)", finding.BasisLabel);
        Assert.Throws<ArgumentOutOfRangeException>(() => Finding.Inferred(InvestigationStep.Why, "x", "y", 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Finding.Inferred(InvestigationStep.Why, "x", "y", 0));
    }

    [Fact]
    public void EachFinding_NamesItsSources_InTheOrderOfItsEvidence_AndAStackTraceIsNoSource()
    {
        var line = new Evidence(EvidenceSource.ApplicationLog, "{job=\"tovplay-backend\"}", "{\"msg\":\"DELETE\"}", DateTimeOffset.UnixEpoch);
        var stack = new Evidence(EvidenceSource.StackTrace, "error.stack of the line above", "at delete()", DateTimeOffset.UnixEpoch);
        var server = new Evidence(EvidenceSource.PostgresLog, "{job=\"postgres\"}", "ERROR:  permission denied for table users", DateTimeOffset.UnixEpoch);

        var finding = Finding.Direct(InvestigationStep.Why, "The request ran the DELETE", "correlation id", line, stack, s_row, server);

        Assert.Equal("application log and audit trail and PostgreSQL log", finding.Source);
        Assert.Equal("no record", Finding.Direct(InvestigationStep.Why, "x", "y").Source);
    }
}

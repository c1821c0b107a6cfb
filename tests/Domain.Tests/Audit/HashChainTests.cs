using TovPlay.Logs.Domain.Audit;

namespace TovPlay.Logs.Domain.Tests.Audit;

public sealed class HashChainTests
{
    private static byte[] Digest(byte b) => Enumerable.Repeat(b, 32).ToArray();

    [Fact]
    public void Extend_DependsOnEveryIdDigestAndTheirOrder()
    {
        var chain = HashChain.Extend(HashChain.Genesis, [(1, Digest(1)), (2, Digest(2))]);

        Assert.Equal(chain, HashChain.Next(HashChain.Next(HashChain.Genesis, 1, Digest(1)), 2, Digest(2)));
        Assert.NotEqual(chain, HashChain.Extend(HashChain.Genesis, [(2, Digest(2)), (1, Digest(1))]));
        Assert.NotEqual(chain, HashChain.Extend(HashChain.Genesis, [(1, Digest(1)), (3, Digest(2))]));
        Assert.NotEqual(chain, HashChain.Extend(HashChain.Genesis, [(1, Digest(1)), (2, Digest(9))]));
        Assert.NotEqual(chain, HashChain.Extend(HashChain.Genesis, [(1, Digest(1))]));
        Assert.Equal(32, chain.Length);
    }

    [Theory]
    [InlineData(5, 5, true, "Seal 3 (statements 10-20): intact.")]
    [InlineData(5, 4, false, "Seal 3 (statements 10-20): 5 statement(s) sealed, 4 found, so some were removed; the hash differs: statements or their rows were edited, removed or inserted after sealing.")]
    [InlineData(5, 5, false, "Seal 3 (statements 10-20): 5 statement(s) sealed, 5 found; the hash differs: statements or their rows were edited, removed or inserted after sealing.")]
    public void Finding_DescribesWhatBroke(long sealedCount, long found, bool hashMatches, string expected)
    {
        var finding = new SealFinding(new SealCheckpoint(3, 10, 20, sealedCount, HashChain.Genesis, HashChain.Genesis), found, hashMatches);

        Assert.Equal(expected, finding.Describe());
    }
}

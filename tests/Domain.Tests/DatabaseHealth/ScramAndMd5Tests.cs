using TovPlay.Logs.Domain.DatabaseHealth;

namespace TovPlay.Logs.Domain.Tests.DatabaseHealth;

public sealed class ScramAndMd5Tests
{
    [Fact]
    public void Scram_FollowsRfc7677sExample_ClientProofAndServerSignature()
    {
        var scram = new ScramSha256("pencil", "rOprNGfwEbeRWgbNEkqO", user: "user");

        Assert.Equal("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", scram.ClientFirst);
        var final = scram.ClientFinal("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");

        Assert.Equal("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", final);
        Assert.True(scram.ServerProved("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
        Assert.False(scram.ServerProved("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
    }

    [Theory]
    [InlineData("r=someoneelses,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "the server's nonce does not extend the client's")]
    [InlineData("r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", "the server's nonce does not extend the client's")]
    [InlineData("r=abcdefXYZ,s=W22ZaJ0SNY7soEsUEjb6gQ==", "the server's first message lacks a salt or a usable iteration count")]
    [InlineData("r=abcdefXYZ,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=999999999", "the server's first message lacks a salt or a usable iteration count")]
    public void Scram_RefusesAServerFirstMessageItCannotTrust(string serverFirst, string why)
    {
        var scram = new ScramSha256("pencil", "abcdef");

        Assert.Equal(why, Assert.Throws<FormatException>(() => scram.ClientFinal(serverFirst)).Message);
        Assert.False(scram.ServerProved("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
    }

    [Fact]
    public void Md5_IsPostgresDoubleHashWithTheSalt()
    {
        // md5(md5("secret" + "stats") as hex + salt), computed independently.
        Assert.Equal("md5de53612e6ec5b55a9a8065af24726c73", Md5Password.Answer("stats", "secret", [1, 2, 3, 4]));
    }
}

using System.Security.Cryptography;
using System.Text;

namespace TovPlay.Logs.Domain.DatabaseHealth;

/// <summary>PostgreSQL's md5 password answer: "md5" + md5(md5(password + user) + salt), in lowercase hex.</summary>
public static class Md5Password
{
    public static string Answer(string user, string password, ReadOnlySpan<byte> salt)
    {
        // MD5 is what the protocol asks for here, not a choice of this code.
#pragma warning disable CA5351
        var inner = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(password + user)));
        var outer = MD5.HashData([.. Encoding.ASCII.GetBytes(inner), .. salt]);
#pragma warning restore CA5351
        return "md5" + Convert.ToHexStringLower(outer);
    }
}

namespace TovPlay.Logs.Domain.Sandbox;

/// <summary>Fresh correlation, trace and span ids for the sandbox's requests and jobs.</summary>
public sealed class SandboxIds(Random random)
{
    public string Correlation()
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString();
    }

    public string Hex(int bytes)
    {
        var buffer = new byte[bytes];
        random.NextBytes(buffer);
        return Convert.ToHexStringLower(buffer);
    }

    public int Next(int min, int max) => random.Next(min, max);

    /// <summary>A request by <paramref name="player"/> from <paramref name="ip"/>, its click <paramref name="leadMs"/> before it.</summary>
    public SandboxRequest Request(SandboxPlayer player, string ip, string method, string path, string page, string click, string? action, string? resource,
        string? change, int status, double durationMs, double leadMs = 400, System.Text.Json.Nodes.JsonObject? error = null) =>
        new(player, ip, method, path, page, click, action, resource, change, status, durationMs, leadMs, Correlation(), Hex(16), Hex(8), error);
}

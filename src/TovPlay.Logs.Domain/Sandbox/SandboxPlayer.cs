namespace TovPlay.Logs.Domain.Sandbox;

/// <summary>A TovPlay player of the sandbox: account id, username, the address they usually come from, their browser.</summary>
public sealed record SandboxPlayer(long Id, string Username, string Ip, string UserAgent)
{
    public string Email => Username + "@players.tovplay.org";
}

/// <summary>
/// The sandbox's players. Fixed, so the traffic, the seed and the incidents agree on who exists and where each one
/// usually signs in from; addresses are from the documentation ranges (RFC 5737), never someone's real address.
/// </summary>
public static class Roster
{
    private static readonly string[] s_names =
    [
        "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
        "kim", "leo", "mia", "nico", "olga", "pavel", "quinn", "rosa", "sam", "tara",
        "uma", "victor", "wendy", "xena", "yuri", "zoe", "amir", "bella", "chen", "dana",
        "emre", "fatima", "goran", "hana", "igor", "jonas", "kenji", "lena", "marco", "nadia",
    ];

    private static readonly string[] s_agents =
    [
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    ];

    public static IReadOnlyList<SandboxPlayer> Players { get; } =
    [
        .. s_names.Select((name, i) => new SandboxPlayer(i + 1, name, i < 20 ? $"198.51.100.{10 + i}" : $"192.0.2.{10 + i}", s_agents[i % s_agents.Length])),
    ];

    public static SandboxPlayer Named(string username) => Players.Single(p => p.Username == username);
}

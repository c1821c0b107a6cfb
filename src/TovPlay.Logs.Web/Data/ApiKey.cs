namespace TovPlay.Logs.Web.Data;

/// <summary>
/// A credential for a machine client of the Loki-compatible API (promtail, Alloy, a logging sink, logcli). Only a
/// hash of its secret is stored; the key itself is shown once when it is created.
/// </summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    /// <summary>The public part of the key, which finds the row; the secret part is checked against <see cref="SecretHash"/>.</summary>
    public required string KeyId { get; set; }

    /// <summary>SHA-256 of the secret part, hex. The secret is 256 random bits, so a plain hash suffices.</summary>
    public required string SecretHash { get; set; }

    public bool CanPush { get; set; }

    public bool CanRead { get; set; }

    /// <summary>Ingestion limit in bytes per second for this key; null uses the configured default.</summary>
    public int? IngestionRateBytes { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }
}

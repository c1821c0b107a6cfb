using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace TovPlay.Logs.Web.Data;

public sealed class AppDbContext(DbContextOptions<AppDbContext> options)
    : IdentityDbContext<AppUser, IdentityRole, string>(options), IDataProtectionKeyContext
{
    public DbSet<AppAuditEvent> AuditEvents => Set<AppAuditEvent>();

    /// <summary>Keys that protect cookies and antiforgery tokens, shared by every replica of the app.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<AuthSession> AuthSessions => Set<AuthSession>();

    public DbSet<SavedQuery> SavedQueries => Set<SavedQuery>();

    public DbSet<SavedInvestigation> Investigations => Set<SavedInvestigation>();

    public DbSet<AlertRuleRecord> AlertRules => Set<AlertRuleRecord>();

    public DbSet<AlertRuleHealth> AlertRuleHealth => Set<AlertRuleHealth>();

    public DbSet<AlertInstanceRecord> AlertInstances => Set<AlertInstanceRecord>();

    public DbSet<AlertHistoryRecord> AlertHistory => Set<AlertHistoryRecord>();

    public DbSet<ContactPointRecord> ContactPoints => Set<ContactPointRecord>();

    public DbSet<NotificationPolicyRecord> NotificationPolicies => Set<NotificationPolicyRecord>();

    public DbSet<SilenceRecord> Silences => Set<SilenceRecord>();

    public DbSet<MuteTimingRecord> MuteTimings => Set<MuteTimingRecord>();

    public DbSet<NotificationGroupRecord> NotificationGroups => Set<NotificationGroupRecord>();

    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    public DbSet<DatabaseSample> DatabaseSamples => Set<DatabaseSample>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        // Snake case for our own tables: investigators query them with plain SQL.
        builder.Entity<DatabaseSample>(e =>
        {
            e.ToTable("database_samples");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(x => x.At).HasColumnName("at");
            e.HasIndex(x => x.At).IsUnique();
            e.Property(x => x.MaxConnections).HasColumnName("max_connections");
            e.Property(x => x.Used).HasColumnName("used");
            e.Property(x => x.Headroom).HasColumnName("headroom");
            e.Property(x => x.Active).HasColumnName("active");
            e.Property(x => x.Idle).HasColumnName("idle");
            e.Property(x => x.IdleInTransaction).HasColumnName("idle_in_transaction");
            e.Property(x => x.WaitingOnLock).HasColumnName("waiting_on_lock");
            e.Property(x => x.BouncerClientsActive).HasColumnName("bouncer_clients_active");
            e.Property(x => x.BouncerClientsWaiting).HasColumnName("bouncer_clients_waiting");
            e.Property(x => x.BouncerServersInUse).HasColumnName("bouncer_servers_in_use");
        });

        builder.Entity<AppAuditEvent>(e =>
        {
            e.ToTable("app_audit_events");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(x => x.OccurredAt).HasColumnName("occurred_at").HasDefaultValueSql("clock_timestamp()");
            e.Property(x => x.Actor).HasColumnName("actor").HasMaxLength(256);
            e.Property(x => x.ActorId).HasColumnName("actor_id").HasMaxLength(64);
            e.Property(x => x.Action).HasColumnName("action").HasMaxLength(64);
            e.Property(x => x.Target).HasColumnName("target").HasMaxLength(256);
            e.Property(x => x.Succeeded).HasColumnName("succeeded");
            e.Property(x => x.Details).HasColumnName("details").HasMaxLength(2000);
            e.Property(x => x.ClientIp).HasColumnName("client_ip");
            e.Property(x => x.CorrelationId).HasColumnName("correlation_id").HasMaxLength(64);
            e.Property(x => x.TraceId).HasColumnName("trace_id").HasMaxLength(32);
            e.HasIndex(x => x.OccurredAt);
            e.HasIndex(x => new { x.Action, x.OccurredAt });
            e.HasIndex(x => x.Actor);
        });

        builder.Entity<DataProtectionKey>().ToTable("data_protection_keys");

        builder.Entity<ApiKey>(e =>
        {
            e.ToTable("api_keys");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(100);
            e.Property(x => x.KeyId).HasColumnName("key_id").HasMaxLength(32);
            e.Property(x => x.SecretHash).HasColumnName("secret_hash").HasMaxLength(64);
            e.Property(x => x.CanPush).HasColumnName("can_push");
            e.Property(x => x.CanRead).HasColumnName("can_read");
            e.Property(x => x.IngestionRateBytes).HasColumnName("ingestion_rate_bytes");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.CreatedBy).HasColumnName("created_by").HasMaxLength(256);
            e.Property(x => x.RevokedAt).HasColumnName("revoked_at");
            e.Property(x => x.LastUsedAt).HasColumnName("last_used_at");
            e.HasIndex(x => x.KeyId).IsUnique();
        });

        builder.Entity<AuthSession>(e =>
        {
            e.ToTable("auth_sessions");
            e.HasKey(x => x.Key);
            e.Property(x => x.Key).HasColumnName("key").HasMaxLength(64);
            e.Property(x => x.UserId).HasColumnName("user_id").HasMaxLength(450);
            e.Property(x => x.Ticket).HasColumnName("ticket");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
            e.HasIndex(x => x.UserId);
            e.HasIndex(x => x.ExpiresAt);
        });

        builder.Entity<SavedQuery>(e =>
        {
            e.ToTable("saved_queries");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(x => x.UserId).HasColumnName("user_id").HasMaxLength(450);
            e.Property(x => x.Query).HasColumnName("query").HasMaxLength(10_000);
            e.Property(x => x.QueryHash).HasColumnName("query_hash").HasMaxLength(64);
            e.Property(x => x.Starred).HasColumnName("starred");
            e.Property(x => x.Title).HasColumnName("title").HasMaxLength(100);
            e.Property(x => x.FirstRunAt).HasColumnName("first_run_at");
            e.Property(x => x.LastRunAt).HasColumnName("last_run_at");
            e.Property(x => x.RunCount).HasColumnName("run_count");
            e.HasIndex(x => new { x.UserId, x.QueryHash }).IsUnique();
            e.HasIndex(x => new { x.UserId, x.LastRunAt });
            e.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<SavedInvestigation>(e =>
        {
            e.ToTable("investigations");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.Scenario).HasColumnName("scenario").HasMaxLength(32);
            e.Property(x => x.Title).HasColumnName("title").HasMaxLength(Domain.Investigations.InvestigationReport.MaxTitleLength);
            e.Property(x => x.Status).HasColumnName("status").HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Notes).HasColumnName("notes").HasMaxLength(SavedInvestigation.MaxNotesLength);
            e.Property(x => x.Table).HasColumnName("table_name").HasMaxLength(200);
            e.Property(x => x.WindowStart).HasColumnName("window_start");
            e.Property(x => x.WindowEnd).HasColumnName("window_end");
            e.Property(x => x.ReportJson).HasColumnName("report").HasColumnType("jsonb");
            e.Property(x => x.CreatedBy).HasColumnName("created_by").HasMaxLength(256);
            e.Property(x => x.CreatedById).HasColumnName("created_by_id").HasMaxLength(450);
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
            e.Property(x => x.UpdatedBy).HasColumnName("updated_by").HasMaxLength(256);
            e.HasIndex(x => x.UpdatedAt);
            e.HasIndex(x => new { x.Status, x.UpdatedAt });
        });

        builder.ConfigureAlerting();

        builder.Entity<AppUser>(e =>
        {
            e.Property(x => x.CreatedAt).HasDefaultValueSql("now()");
        });
    }
}

using Microsoft.EntityFrameworkCore;

namespace TovPlay.Logs.Web.Data;

/// <summary>The alerting tables, in snake case like the rest: on-call people read them with plain SQL too.</summary>
internal static class AlertingModel
{
    public static void ConfigureAlerting(this ModelBuilder builder)
    {
        builder.Entity<AlertRuleRecord>(e =>
        {
            e.ToTable("alert_rules");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(Domain.Alerting.AlertRule.MaxNameLength);
            e.Property(x => x.Folder).HasColumnName("folder").HasMaxLength(100);
            e.Property(x => x.GroupName).HasColumnName("group_name").HasMaxLength(100);
            e.Property(x => x.Source).HasColumnName("source").HasMaxLength(16);
            e.Property(x => x.Query).HasColumnName("query").HasMaxLength(Domain.Alerting.AlertRule.MaxQueryLength);
            e.Property(x => x.ThresholdOperator).HasColumnName("threshold_operator").HasMaxLength(2);
            e.Property(x => x.ThresholdValue).HasColumnName("threshold_value");
            e.Property(x => x.IntervalSeconds).HasColumnName("interval_seconds");
            e.Property(x => x.PendingSeconds).HasColumnName("pending_seconds");
            e.Property(x => x.KeepFiringSeconds).HasColumnName("keep_firing_seconds");
            e.Property(x => x.OnNoData).HasColumnName("on_no_data").HasMaxLength(16);
            e.Property(x => x.OnError).HasColumnName("on_error").HasMaxLength(16);
            e.Property(x => x.Labels).HasColumnName("labels").HasColumnType("jsonb");
            e.Property(x => x.Annotations).HasColumnName("annotations").HasColumnType("jsonb");
            e.Property(x => x.Paused).HasColumnName("paused");
            e.Property(x => x.BuiltIn).HasColumnName("built_in").HasMaxLength(64);
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.CreatedBy).HasColumnName("created_by").HasMaxLength(256);
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
            e.Property(x => x.UpdatedBy).HasColumnName("updated_by").HasMaxLength(256);
            e.Property(x => x.Version).IsRowVersion();
            e.HasIndex(x => new { x.Folder, x.Name }).IsUnique();
            e.HasIndex(x => x.BuiltIn).IsUnique();
        });

        builder.Entity<AlertRuleHealth>(e =>
        {
            e.ToTable("alert_rule_health");
            e.HasKey(x => x.RuleId);
            e.Property(x => x.RuleId).HasColumnName("rule_id");
            e.Property(x => x.LastEvaluatedAt).HasColumnName("last_evaluated_at");
            e.Property(x => x.NextEvaluationAt).HasColumnName("next_evaluation_at");
            e.Property(x => x.LastDurationMs).HasColumnName("last_duration_ms");
            e.Property(x => x.LastLagMs).HasColumnName("last_lag_ms");
            e.Property(x => x.LastError).HasColumnName("last_error").HasMaxLength(2000);
            e.Property(x => x.Evaluations).HasColumnName("evaluations");
            e.HasOne<AlertRuleRecord>().WithOne().HasForeignKey<AlertRuleHealth>(x => x.RuleId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<AlertInstanceRecord>(e =>
        {
            e.ToTable("alert_instances");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(x => x.RuleId).HasColumnName("rule_id");
            e.Property(x => x.Origin).HasColumnName("origin").HasMaxLength(16);
            e.Property(x => x.Fingerprint).HasColumnName("fingerprint").HasMaxLength(16);
            e.Property(x => x.Labels).HasColumnName("labels").HasColumnType("jsonb");
            e.Property(x => x.Annotations).HasColumnName("annotations").HasColumnType("jsonb");
            e.Property(x => x.State).HasColumnName("state").HasMaxLength(16);
            e.Property(x => x.ActiveSince).HasColumnName("active_since");
            e.Property(x => x.FiringSince).HasColumnName("firing_since");
            e.Property(x => x.LastBreach).HasColumnName("last_breach");
            e.Property(x => x.StartsAt).HasColumnName("starts_at");
            e.Property(x => x.EndsAt).HasColumnName("ends_at");
            e.Property(x => x.Value).HasColumnName("value");
            e.Property(x => x.Error).HasColumnName("error").HasMaxLength(2000);
            e.Property(x => x.LogLines).HasColumnName("log_lines").HasColumnType("jsonb");
            e.Property(x => x.GeneratorUrl).HasColumnName("generator_url").HasMaxLength(2000);
            e.Property(x => x.LastEvaluatedAt).HasColumnName("last_evaluated_at");
            e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
            e.HasIndex(x => new { x.Origin, x.RuleId, x.Fingerprint }).IsUnique().AreNullsDistinct(false);
            e.HasIndex(x => x.State);
            e.HasIndex(x => x.EndsAt);
            e.HasOne<AlertRuleRecord>().WithMany().HasForeignKey(x => x.RuleId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<AlertHistoryRecord>(e =>
        {
            e.ToTable("alert_state_history");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(x => x.RuleId).HasColumnName("rule_id");
            e.Property(x => x.Fingerprint).HasColumnName("fingerprint").HasMaxLength(16);
            e.Property(x => x.Labels).HasColumnName("labels").HasColumnType("jsonb");
            e.Property(x => x.FromState).HasColumnName("from_state").HasMaxLength(16);
            e.Property(x => x.ToState).HasColumnName("to_state").HasMaxLength(16);
            e.Property(x => x.At).HasColumnName("at");
            e.Property(x => x.Value).HasColumnName("value");
            e.Property(x => x.Error).HasColumnName("error").HasMaxLength(2000);
            e.HasIndex(x => new { x.RuleId, x.At });
            e.HasIndex(x => new { x.Fingerprint, x.At });
            e.HasIndex(x => x.At);
        });

        builder.Entity<ContactPointRecord>(e =>
        {
            e.ToTable("contact_points");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(100);
            e.Property(x => x.ProtectedUrl).HasColumnName("protected_url").HasMaxLength(4000);
            e.Property(x => x.UrlHint).HasColumnName("url_hint").HasMaxLength(300);
            e.Property(x => x.Username).HasColumnName("username").HasMaxLength(80);
            e.Property(x => x.AvatarUrl).HasColumnName("avatar_url").HasMaxLength(2000);
            e.Property(x => x.RoleMentions).HasColumnName("role_mentions");
            e.Property(x => x.UserMentions).HasColumnName("user_mentions");
            e.Property(x => x.TitleTemplate).HasColumnName("title_template").HasMaxLength(Domain.Alerting.Templates.AlertTemplate.MaxLength);
            e.Property(x => x.MessageTemplate).HasColumnName("message_template").HasMaxLength(Domain.Alerting.Templates.AlertTemplate.MaxLength);
            e.Property(x => x.SendResolved).HasColumnName("send_resolved");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.CreatedBy).HasColumnName("created_by").HasMaxLength(256);
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
            e.Property(x => x.UpdatedBy).HasColumnName("updated_by").HasMaxLength(256);
            e.Property(x => x.Version).IsRowVersion();
            e.HasIndex(x => x.Name).IsUnique();
        });

        builder.Entity<NotificationPolicyRecord>(e =>
        {
            e.ToTable("notification_policies");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(x => x.Tree).HasColumnName("tree").HasColumnType("jsonb");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
            e.Property(x => x.UpdatedBy).HasColumnName("updated_by").HasMaxLength(256);
            e.Property(x => x.Version).IsRowVersion();
        });

        builder.Entity<SilenceRecord>(e =>
        {
            e.ToTable("alert_silences");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.Matchers).HasColumnName("matchers");
            e.Property(x => x.StartsAt).HasColumnName("starts_at");
            e.Property(x => x.EndsAt).HasColumnName("ends_at");
            e.Property(x => x.Comment).HasColumnName("comment").HasMaxLength(Domain.Alerting.AlertSilence.MaxComment);
            e.Property(x => x.CreatedBy).HasColumnName("created_by").HasMaxLength(256);
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.ExpiredBy).HasColumnName("expired_by").HasMaxLength(256);
            e.HasIndex(x => x.EndsAt);
        });

        builder.Entity<MuteTimingRecord>(e =>
        {
            e.ToTable("mute_timings");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(100);
            e.Property(x => x.Windows).HasColumnName("windows").HasColumnType("jsonb");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
            e.Property(x => x.UpdatedBy).HasColumnName("updated_by").HasMaxLength(256);
            e.HasIndex(x => x.Name).IsUnique();
        });

        builder.Entity<NotificationGroupRecord>(e =>
        {
            e.ToTable("notification_groups");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(x => x.Receiver).HasColumnName("receiver").HasMaxLength(100);
            e.Property(x => x.GroupKey).HasColumnName("group_key").HasMaxLength(4000);
            e.Property(x => x.GroupLabels).HasColumnName("group_labels").HasColumnType("jsonb");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.NextFlushAt).HasColumnName("next_flush_at");
            e.Property(x => x.LastNotifiedAt).HasColumnName("last_notified_at");
            e.Property(x => x.NotifiedFiring).HasColumnName("notified_firing");
            e.Property(x => x.NotifiedResolved).HasColumnName("notified_resolved");
            e.Property(x => x.Sequence).HasColumnName("sequence");
            e.HasIndex(x => new { x.Receiver, x.GroupKey }).IsUnique();
            e.HasIndex(x => x.NextFlushAt);
        });

        builder.Entity<OutboxMessage>(e =>
        {
            e.ToTable("notification_outbox");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(x => x.IdempotencyKey).HasColumnName("idempotency_key").HasMaxLength(4200);
            e.Property(x => x.ContactPointId).HasColumnName("contact_point_id");
            e.Property(x => x.Receiver).HasColumnName("receiver").HasMaxLength(100);
            e.Property(x => x.GroupKey).HasColumnName("group_key").HasMaxLength(4000);
            e.Property(x => x.Payload).HasColumnName("payload").HasColumnType("jsonb");
            e.Property(x => x.Title).HasColumnName("title").HasMaxLength(300);
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.NextAttemptAt).HasColumnName("next_attempt_at");
            e.Property(x => x.Attempts).HasColumnName("attempts");
            e.Property(x => x.ClaimedUntil).HasColumnName("claimed_until");
            e.Property(x => x.SentAt).HasColumnName("sent_at");
            e.Property(x => x.DeadAt).HasColumnName("dead_at");
            e.Property(x => x.LastStatus).HasColumnName("last_status");
            e.Property(x => x.LastResponse).HasColumnName("last_response").HasMaxLength(2000);
            e.Property(x => x.LastError).HasColumnName("last_error").HasMaxLength(2000);
            e.HasIndex(x => x.IdempotencyKey).IsUnique();
            e.HasIndex(x => x.NextAttemptAt).HasFilter("sent_at IS NULL AND dead_at IS NULL");
            e.HasIndex(x => x.DeadAt).HasFilter("dead_at IS NOT NULL");
            e.HasIndex(x => x.CreatedAt);
        });
    }
}

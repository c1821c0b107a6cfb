using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace TovPlay.Logs.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Alerting : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "alert_rules",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(190)", maxLength: 190, nullable: false),
                    folder = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    group_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    query = table.Column<string>(type: "character varying(10000)", maxLength: 10000, nullable: false),
                    threshold_operator = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: true),
                    threshold_value = table.Column<double>(type: "double precision", nullable: true),
                    interval_seconds = table.Column<int>(type: "integer", nullable: false),
                    pending_seconds = table.Column<int>(type: "integer", nullable: false),
                    keep_firing_seconds = table.Column<int>(type: "integer", nullable: false),
                    on_no_data = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    on_error = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    labels = table.Column<string>(type: "jsonb", nullable: false),
                    annotations = table.Column<string>(type: "jsonb", nullable: false),
                    paused = table.Column<bool>(type: "boolean", nullable: false),
                    built_in = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_rules", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "alert_silences",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    matchers = table.Column<string[]>(type: "text[]", nullable: false),
                    starts_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ends_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    comment = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    created_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expired_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_silences", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "alert_state_history",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    rule_id = table.Column<Guid>(type: "uuid", nullable: true),
                    fingerprint = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    labels = table.Column<string>(type: "jsonb", nullable: false),
                    from_state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    to_state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    value = table.Column<double>(type: "double precision", nullable: true),
                    error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_state_history", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "contact_points",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    protected_url = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    url_hint = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    username = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true),
                    avatar_url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    role_mentions = table.Column<string[]>(type: "text[]", nullable: false),
                    user_mentions = table.Column<string[]>(type: "text[]", nullable: false),
                    title_template = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    message_template = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    send_resolved = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_contact_points", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "mute_timings",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    windows = table.Column<string>(type: "jsonb", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mute_timings", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "notification_groups",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    receiver = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    group_key = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    group_labels = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    next_flush_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_notified_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    notified_firing = table.Column<string[]>(type: "text[]", nullable: false),
                    notified_resolved = table.Column<string[]>(type: "text[]", nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notification_groups", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "notification_outbox",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    idempotency_key = table.Column<string>(type: "character varying(4200)", maxLength: 4200, nullable: false),
                    contact_point_id = table.Column<Guid>(type: "uuid", nullable: true),
                    receiver = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    group_key = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    payload = table.Column<string>(type: "jsonb", nullable: false),
                    title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    claimed_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    dead_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_status = table.Column<int>(type: "integer", nullable: true),
                    last_response = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    last_error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notification_outbox", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "notification_policies",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    tree = table.Column<string>(type: "jsonb", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notification_policies", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "alert_instances",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    rule_id = table.Column<Guid>(type: "uuid", nullable: true),
                    origin = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    fingerprint = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    labels = table.Column<string>(type: "jsonb", nullable: false),
                    annotations = table.Column<string>(type: "jsonb", nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    active_since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    firing_since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_breach = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    starts_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ends_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    value = table.Column<double>(type: "double precision", nullable: true),
                    error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    log_lines = table.Column<string>(type: "jsonb", nullable: true),
                    generator_url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    last_evaluated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_instances", x => x.id);
                    table.ForeignKey(
                        name: "FK_alert_instances_alert_rules_rule_id",
                        column: x => x.rule_id,
                        principalTable: "alert_rules",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "alert_rule_health",
                columns: table => new
                {
                    rule_id = table.Column<Guid>(type: "uuid", nullable: false),
                    last_evaluated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    next_evaluation_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_duration_ms = table.Column<double>(type: "double precision", nullable: false),
                    last_lag_ms = table.Column<double>(type: "double precision", nullable: false),
                    last_error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    evaluations = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_rule_health", x => x.rule_id);
                    table.ForeignKey(
                        name: "FK_alert_rule_health_alert_rules_rule_id",
                        column: x => x.rule_id,
                        principalTable: "alert_rules",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_alert_instances_ends_at",
                table: "alert_instances",
                column: "ends_at");

            migrationBuilder.CreateIndex(
                name: "IX_alert_instances_origin_rule_id_fingerprint",
                table: "alert_instances",
                columns: new[] { "origin", "rule_id", "fingerprint" },
                unique: true)
                .Annotation("Npgsql:NullsDistinct", false);

            migrationBuilder.CreateIndex(
                name: "IX_alert_instances_rule_id",
                table: "alert_instances",
                column: "rule_id");

            migrationBuilder.CreateIndex(
                name: "IX_alert_instances_state",
                table: "alert_instances",
                column: "state");

            migrationBuilder.CreateIndex(
                name: "IX_alert_rules_built_in",
                table: "alert_rules",
                column: "built_in",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_alert_rules_folder_name",
                table: "alert_rules",
                columns: new[] { "folder", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_alert_silences_ends_at",
                table: "alert_silences",
                column: "ends_at");

            migrationBuilder.CreateIndex(
                name: "IX_alert_state_history_at",
                table: "alert_state_history",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "IX_alert_state_history_fingerprint_at",
                table: "alert_state_history",
                columns: new[] { "fingerprint", "at" });

            migrationBuilder.CreateIndex(
                name: "IX_alert_state_history_rule_id_at",
                table: "alert_state_history",
                columns: new[] { "rule_id", "at" });

            migrationBuilder.CreateIndex(
                name: "IX_contact_points_name",
                table: "contact_points",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_mute_timings_name",
                table: "mute_timings",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_notification_groups_next_flush_at",
                table: "notification_groups",
                column: "next_flush_at");

            migrationBuilder.CreateIndex(
                name: "IX_notification_groups_receiver_group_key",
                table: "notification_groups",
                columns: new[] { "receiver", "group_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_notification_outbox_created_at",
                table: "notification_outbox",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "IX_notification_outbox_dead_at",
                table: "notification_outbox",
                column: "dead_at",
                filter: "dead_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_notification_outbox_idempotency_key",
                table: "notification_outbox",
                column: "idempotency_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_notification_outbox_next_attempt_at",
                table: "notification_outbox",
                column: "next_attempt_at",
                filter: "sent_at IS NULL AND dead_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "alert_instances");

            migrationBuilder.DropTable(
                name: "alert_rule_health");

            migrationBuilder.DropTable(
                name: "alert_silences");

            migrationBuilder.DropTable(
                name: "alert_state_history");

            migrationBuilder.DropTable(
                name: "contact_points");

            migrationBuilder.DropTable(
                name: "mute_timings");

            migrationBuilder.DropTable(
                name: "notification_groups");

            migrationBuilder.DropTable(
                name: "notification_outbox");

            migrationBuilder.DropTable(
                name: "notification_policies");

            migrationBuilder.DropTable(
                name: "alert_rules");
        }
    }
}

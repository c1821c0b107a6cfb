using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TovPlay.Logs.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class AppendOnlyAuditTrail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The trail is evidence: nobody, the app included, may rewrite or remove it.
            // Only a superuser who drops this trigger can, and that is visible in the schema.
            migrationBuilder.Sql("""
                CREATE FUNCTION app_audit_events_refuse_change() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'app_audit_events is append-only: % is not allowed', TG_OP
                        USING ERRCODE = 'insufficient_privilege';
                END;
                $$;

                CREATE TRIGGER app_audit_events_no_update_delete
                    BEFORE UPDATE OR DELETE ON app_audit_events
                    FOR EACH ROW EXECUTE FUNCTION app_audit_events_refuse_change();

                CREATE TRIGGER app_audit_events_no_truncate
                    BEFORE TRUNCATE ON app_audit_events
                    FOR EACH STATEMENT EXECUTE FUNCTION app_audit_events_refuse_change();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS app_audit_events_no_truncate ON app_audit_events;
                DROP TRIGGER IF EXISTS app_audit_events_no_update_delete ON app_audit_events;
                DROP FUNCTION IF EXISTS app_audit_events_refuse_change();
                """);
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TovPlay.Logs.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Alerting : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "last_lag_ms",
                table: "alert_rule_health",
                type: "double precision",
                nullable: false,
                defaultValue: 0.0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "last_lag_ms",
                table: "alert_rule_health");
        }
    }
}

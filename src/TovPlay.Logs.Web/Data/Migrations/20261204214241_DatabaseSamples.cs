using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace TovPlay.Logs.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class DatabaseSamples : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "database_samples",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    max_connections = table.Column<int>(type: "integer", nullable: false),
                    used = table.Column<int>(type: "integer", nullable: false),
                    headroom = table.Column<int>(type: "integer", nullable: false),
                    active = table.Column<int>(type: "integer", nullable: false),
                    idle = table.Column<int>(type: "integer", nullable: false),
                    idle_in_transaction = table.Column<int>(type: "integer", nullable: false),
                    waiting_on_lock = table.Column<int>(type: "integer", nullable: false),
                    bouncer_clients_active = table.Column<int>(type: "integer", nullable: true),
                    bouncer_clients_waiting = table.Column<int>(type: "integer", nullable: true),
                    bouncer_servers_in_use = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_database_samples", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_database_samples_at",
                table: "database_samples",
                column: "at",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "database_samples");
        }
    }
}

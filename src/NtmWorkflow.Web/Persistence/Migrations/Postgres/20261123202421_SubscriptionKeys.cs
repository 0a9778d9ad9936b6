using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace NtmWorkflow.Web.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SubscriptionKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_WorkflowSubscriptions",
                table: "WorkflowSubscriptions");

            migrationBuilder.DropIndex(
                name: "IX_WorkflowSubscriptions_InstanceId",
                table: "WorkflowSubscriptions");

            migrationBuilder.DropColumn(
                name: "Id",
                table: "WorkflowSubscriptions");

            migrationBuilder.AddColumn<string>(
                name: "SubscriptionId",
                table: "WorkflowSubscriptions",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddPrimaryKey(
                name: "PK_WorkflowSubscriptions",
                table: "WorkflowSubscriptions",
                columns: new[] { "InstanceId", "SubscriptionId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_WorkflowSubscriptions",
                table: "WorkflowSubscriptions");

            migrationBuilder.DropColumn(
                name: "SubscriptionId",
                table: "WorkflowSubscriptions");

            migrationBuilder.AddColumn<long>(
                name: "Id",
                table: "WorkflowSubscriptions",
                type: "bigint",
                nullable: false,
                defaultValue: 0L)
                .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);

            migrationBuilder.AddPrimaryKey(
                name: "PK_WorkflowSubscriptions",
                table: "WorkflowSubscriptions",
                column: "Id");

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowSubscriptions_InstanceId",
                table: "WorkflowSubscriptions",
                column: "InstanceId");
        }
    }
}

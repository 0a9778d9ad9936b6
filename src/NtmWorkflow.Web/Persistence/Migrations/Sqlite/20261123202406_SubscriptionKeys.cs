using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace NtmWorkflow.Web.Persistence.Migrations.Sqlite
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
                type: "TEXT",
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
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L)
                .Annotation("Sqlite:Autoincrement", true);

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

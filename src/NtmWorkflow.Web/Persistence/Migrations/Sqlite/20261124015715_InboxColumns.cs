using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace NtmWorkflow.Web.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InboxColumns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WorkflowTasks_Assignee",
                table: "WorkflowTasks");

            migrationBuilder.AddColumn<string>(
                name: "BusinessKey",
                table: "WorkflowTasks",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CommuneCode",
                table: "WorkflowTasks",
                type: "TEXT",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CommuneName",
                table: "WorkflowTasks",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "DossierId",
                table: "WorkflowTasks",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "WorkflowTaskGroups",
                columns: table => new
                {
                    TaskId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Group = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WorkflowTaskGroups", x => new { x.TaskId, x.Group });
                    table.ForeignKey(
                        name: "FK_WorkflowTaskGroups_WorkflowTasks_TaskId",
                        column: x => x.TaskId,
                        principalTable: "WorkflowTasks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowTasks_Assignee_Due",
                table: "WorkflowTasks",
                columns: new[] { "Assignee", "Due" });

            migrationBuilder.CreateIndex(
                name: "IX_Dossiers_RevocationInstanceId",
                table: "Dossiers",
                column: "RevocationInstanceId");

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowTaskGroups_Group_TaskId",
                table: "WorkflowTaskGroups",
                columns: new[] { "Group", "TaskId" });

            // Backfill the open tasks of an upgraded database (the table holds open tasks only); group rows
            // are the queue of unclaimed tasks.
            migrationBuilder.Sql("""
                UPDATE "WorkflowTasks" SET "BusinessKey" = (SELECT i."BusinessKey" FROM "WorkflowInstances" AS i WHERE i."Id" = "WorkflowTasks"."InstanceId");
                """);
            migrationBuilder.Sql("""
                UPDATE "WorkflowTasks" SET
                    "DossierId" = (SELECT d."Id" FROM "Dossiers" AS d
                                   WHERE d."InstanceId" = "WorkflowTasks"."InstanceId" OR d."RevocationInstanceId" = "WorkflowTasks"."InstanceId" LIMIT 1),
                    "CommuneCode" = (SELECT d."CommuneCode" FROM "Dossiers" AS d
                                     WHERE d."InstanceId" = "WorkflowTasks"."InstanceId" OR d."RevocationInstanceId" = "WorkflowTasks"."InstanceId" LIMIT 1),
                    "CommuneName" = (SELECT d."CommuneName" FROM "Dossiers" AS d
                                     WHERE d."InstanceId" = "WorkflowTasks"."InstanceId" OR d."RevocationInstanceId" = "WorkflowTasks"."InstanceId" LIMIT 1);
                """);
            migrationBuilder.Sql("""
                INSERT INTO "WorkflowTaskGroups" ("TaskId", "Group")
                SELECT DISTINCT t."Id", g.value FROM "WorkflowTasks" AS t, json_each(t."CandidateGroups") AS g WHERE t."Assignee" IS NULL AND g.value IS NOT NULL;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "WorkflowTaskGroups");

            migrationBuilder.DropIndex(
                name: "IX_WorkflowTasks_Assignee_Due",
                table: "WorkflowTasks");

            migrationBuilder.DropIndex(
                name: "IX_Dossiers_RevocationInstanceId",
                table: "Dossiers");

            migrationBuilder.DropColumn(
                name: "BusinessKey",
                table: "WorkflowTasks");

            migrationBuilder.DropColumn(
                name: "CommuneCode",
                table: "WorkflowTasks");

            migrationBuilder.DropColumn(
                name: "CommuneName",
                table: "WorkflowTasks");

            migrationBuilder.DropColumn(
                name: "DossierId",
                table: "WorkflowTasks");

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowTasks_Assignee",
                table: "WorkflowTasks",
                column: "Assignee");
        }
    }
}

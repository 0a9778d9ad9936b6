using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace NtmWorkflow.Web.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InstanceMonitorColumns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CommuneCode",
                table: "WorkflowInstances",
                type: "TEXT",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CommuneName",
                table: "WorkflowInstances",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "DossierId",
                table: "WorkflowInstances",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "HasIncident",
                table: "WorkflowInstances",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "NextTaskDue",
                table: "WorkflowInstances",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProvinceCode",
                table: "WorkflowInstances",
                type: "TEXT",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "StartedAt",
                table: "WorkflowInstances",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowInstances_CommuneCode",
                table: "WorkflowInstances",
                column: "CommuneCode");

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowInstances_NextTaskDue",
                table: "WorkflowInstances",
                column: "NextTaskDue");

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowInstances_ProvinceCode_StartedAt",
                table: "WorkflowInstances",
                columns: new[] { "ProvinceCode", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowInstances_StartedAt_Id",
                table: "WorkflowInstances",
                columns: new[] { "StartedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowInstances_Status_HasIncident_StartedAt",
                table: "WorkflowInstances",
                columns: new[] { "Status", "HasIncident", "StartedAt" });

            // Fill the monitor's columns of an upgraded database: the start from the history journal (its first
            // entry), the open incidents and the province from the state, the earliest due time from the open
            // tasks, the dossier's columns from the dossier that runs the instance.
            migrationBuilder.Sql("""
                UPDATE "WorkflowInstances" SET
                    "StartedAt" = COALESCE((SELECT MIN(h."Time") FROM "WorkflowHistory" AS h WHERE h."InstanceId" = "WorkflowInstances"."Id"), "UpdatedAt"),
                    "HasIncident" = COALESCE(json_array_length("State", '$.incidents'), 0) > 0,
                    "NextTaskDue" = (SELECT MIN(t."Due") FROM "WorkflowTasks" AS t WHERE t."InstanceId" = "WorkflowInstances"."Id"),
                    "ProvinceCode" = (SELECT json_extract(s.value, '$.variables.provinceCode') FROM json_each("State", '$.scopes') AS s
                                      WHERE json_extract(s.value, '$.kind') = 'Process' LIMIT 1);
                """);
            migrationBuilder.Sql("""
                UPDATE "WorkflowInstances" SET "DossierId" = d."Id", "CommuneCode" = d."CommuneCode", "CommuneName" = d."CommuneName", "ProvinceCode" = d."ProvinceCode"
                FROM "Dossiers" AS d WHERE d."InstanceId" = "WorkflowInstances"."Id" OR d."RevocationInstanceId" = "WorkflowInstances"."Id";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WorkflowInstances_CommuneCode",
                table: "WorkflowInstances");

            migrationBuilder.DropIndex(
                name: "IX_WorkflowInstances_NextTaskDue",
                table: "WorkflowInstances");

            migrationBuilder.DropIndex(
                name: "IX_WorkflowInstances_ProvinceCode_StartedAt",
                table: "WorkflowInstances");

            migrationBuilder.DropIndex(
                name: "IX_WorkflowInstances_StartedAt_Id",
                table: "WorkflowInstances");

            migrationBuilder.DropIndex(
                name: "IX_WorkflowInstances_Status_HasIncident_StartedAt",
                table: "WorkflowInstances");

            migrationBuilder.DropColumn(
                name: "CommuneCode",
                table: "WorkflowInstances");

            migrationBuilder.DropColumn(
                name: "CommuneName",
                table: "WorkflowInstances");

            migrationBuilder.DropColumn(
                name: "DossierId",
                table: "WorkflowInstances");

            migrationBuilder.DropColumn(
                name: "HasIncident",
                table: "WorkflowInstances");

            migrationBuilder.DropColumn(
                name: "NextTaskDue",
                table: "WorkflowInstances");

            migrationBuilder.DropColumn(
                name: "ProvinceCode",
                table: "WorkflowInstances");

            migrationBuilder.DropColumn(
                name: "StartedAt",
                table: "WorkflowInstances");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace NtmWorkflow.Web.Persistence.Migrations.Postgres
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
                type: "character varying(10)",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CommuneName",
                table: "WorkflowInstances",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "DossierId",
                table: "WorkflowInstances",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "HasIncident",
                table: "WorkflowInstances",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "NextTaskDue",
                table: "WorkflowInstances",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProvinceCode",
                table: "WorkflowInstances",
                type: "character varying(10)",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "StartedAt",
                table: "WorkflowInstances",
                type: "timestamp with time zone",
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
                UPDATE "WorkflowInstances" AS i SET
                    "StartedAt" = COALESCE((SELECT MIN(h."Time") FROM "WorkflowHistory" AS h WHERE h."InstanceId" = i."Id"), i."UpdatedAt"),
                    "HasIncident" = COALESCE(jsonb_array_length(i."State"::jsonb -> 'incidents'), 0) > 0,
                    "NextTaskDue" = (SELECT MIN(t."Due") FROM "WorkflowTasks" AS t WHERE t."InstanceId" = i."Id"),
                    "ProvinceCode" = (SELECT s -> 'variables' ->> 'provinceCode' FROM jsonb_array_elements(i."State"::jsonb -> 'scopes') AS s
                                      WHERE s ->> 'kind' = 'Process' LIMIT 1);
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

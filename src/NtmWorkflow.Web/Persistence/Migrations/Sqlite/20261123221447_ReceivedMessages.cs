using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace NtmWorkflow.Web.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ReceivedMessages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "WorkflowReceivedMessages",
                columns: table => new
                {
                    DedupKey = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    InstanceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WorkflowReceivedMessages", x => x.DedupKey);
                    table.ForeignKey(
                        name: "FK_WorkflowReceivedMessages_WorkflowInstances_InstanceId",
                        column: x => x.InstanceId,
                        principalTable: "WorkflowInstances",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowReceivedMessages_InstanceId",
                table: "WorkflowReceivedMessages",
                column: "InstanceId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "WorkflowReceivedMessages");
        }
    }
}

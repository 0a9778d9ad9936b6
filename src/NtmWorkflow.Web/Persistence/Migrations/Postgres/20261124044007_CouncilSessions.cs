using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace NtmWorkflow.Web.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CouncilSessions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CouncilMembers",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ProvinceCode = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    UserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    FullName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Position = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    From = table.Column<DateOnly>(type: "date", nullable: false),
                    To = table.Column<DateOnly>(type: "date", nullable: true),
                    AppointedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    RoleAssignmentId = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CouncilMembers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CouncilSessions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Code = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    ProvinceCode = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    MeetsOn = table.Column<DateOnly>(type: "date", nullable: false),
                    Venue = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    State = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    InstanceId = table.Column<Guid>(type: "uuid", nullable: true),
                    BallotsCast = table.Column<int>(type: "integer", nullable: false),
                    OpenedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ClosedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ClosedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CouncilSessions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CouncilAgendaItems",
                columns: table => new
                {
                    SessionId = table.Column<Guid>(type: "uuid", nullable: false),
                    DossierId = table.Column<Guid>(type: "uuid", nullable: false),
                    Order = table.Column<int>(type: "integer", nullable: false),
                    DossierCode = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    CommuneName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    MembersInForce = table.Column<int>(type: "integer", nullable: false),
                    Attending = table.Column<int>(type: "integer", nullable: false),
                    Agree = table.Column<int>(type: "integer", nullable: false),
                    Disagree = table.Column<int>(type: "integer", nullable: false),
                    Abstain = table.Column<int>(type: "integer", nullable: false),
                    Recused = table.Column<int>(type: "integer", nullable: false),
                    NotVoted = table.Column<int>(type: "integer", nullable: false),
                    WrittenVotes = table.Column<int>(type: "integer", nullable: false),
                    ApprovalBase = table.Column<int>(type: "integer", nullable: false),
                    AgreeNeeded = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CouncilAgendaItems", x => new { x.SessionId, x.DossierId });
                    table.ForeignKey(
                        name: "FK_CouncilAgendaItems_CouncilSessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "CouncilSessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_CouncilAgendaItems_Dossiers_DossierId",
                        column: x => x.DossierId,
                        principalTable: "Dossiers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "CouncilBallots",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SessionId = table.Column<Guid>(type: "uuid", nullable: false),
                    DossierId = table.Column<Guid>(type: "uuid", nullable: false),
                    MemberId = table.Column<int>(type: "integer", nullable: false),
                    UserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Choice = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Reason = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    Written = table.Column<bool>(type: "boolean", nullable: false),
                    CastAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CouncilBallots", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CouncilBallots_CouncilSessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "CouncilSessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CouncilSessionMembers",
                columns: table => new
                {
                    SessionId = table.Column<Guid>(type: "uuid", nullable: false),
                    MemberId = table.Column<int>(type: "integer", nullable: false),
                    Seat = table.Column<int>(type: "integer", nullable: false),
                    UserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    FullName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Position = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Attendance = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CouncilSessionMembers", x => new { x.SessionId, x.MemberId });
                    table.ForeignKey(
                        name: "FK_CouncilSessionMembers_CouncilMembers_MemberId",
                        column: x => x.MemberId,
                        principalTable: "CouncilMembers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CouncilSessionMembers_CouncilSessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "CouncilSessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RecognitionDecisions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SessionId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProvinceCode = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Number = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    SignedOn = table.Column<DateOnly>(type: "date", nullable: false),
                    Signer = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ScanBlob = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    ScanFileName = table.Column<string>(type: "character varying(260)", maxLength: 260, nullable: false),
                    ScanContentType = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    ScanLength = table.Column<long>(type: "bigint", nullable: false),
                    ScanSha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    RecordedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RecordedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecognitionDecisions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RecognitionDecisions_CouncilSessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "CouncilSessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CouncilAgendaItems_DossierId",
                table: "CouncilAgendaItems",
                column: "DossierId");

            migrationBuilder.CreateIndex(
                name: "IX_CouncilBallots_SessionId_DossierId_MemberId",
                table: "CouncilBallots",
                columns: new[] { "SessionId", "DossierId", "MemberId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CouncilMembers_ProvinceCode_From",
                table: "CouncilMembers",
                columns: new[] { "ProvinceCode", "From" });

            migrationBuilder.CreateIndex(
                name: "IX_CouncilSessionMembers_MemberId",
                table: "CouncilSessionMembers",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_CouncilSessions_Code",
                table: "CouncilSessions",
                column: "Code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CouncilSessions_ProvinceCode_MeetsOn",
                table: "CouncilSessions",
                columns: new[] { "ProvinceCode", "MeetsOn" });

            migrationBuilder.CreateIndex(
                name: "IX_RecognitionDecisions_ProvinceCode_Number",
                table: "RecognitionDecisions",
                columns: new[] { "ProvinceCode", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RecognitionDecisions_SessionId",
                table: "RecognitionDecisions",
                column: "SessionId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CouncilAgendaItems");

            migrationBuilder.DropTable(
                name: "CouncilBallots");

            migrationBuilder.DropTable(
                name: "CouncilSessionMembers");

            migrationBuilder.DropTable(
                name: "RecognitionDecisions");

            migrationBuilder.DropTable(
                name: "CouncilMembers");

            migrationBuilder.DropTable(
                name: "CouncilSessions");
        }
    }
}

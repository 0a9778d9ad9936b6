using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace NtmWorkflow.Web.Persistence.Migrations.Postgres
{
    /// <summary>
    /// The audit chain is computed by PostgreSQL as each transaction commits, so the audit lock is held only inside
    /// the commit, not across replies to the app. Entries are inserted with placeholders (a negative sequence, a
    /// previous hash no chained row can have; see AuditTrail.AppendAsync); a deferred trigger, run at the commit for
    /// each such row in insertion order, takes the lock (AuditTrail.LockKey), reads the head with a snapshot taken
    /// after the lock (so it sees the previous holder's commit) and writes the row's sequence, previous hash and
    /// SHA-256, computed exactly as AuditTrail.HashOf does. Rows inserted with their own sequence (a restore) are left alone.
    /// </summary>
    public partial class AuditChainedAtCommit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""CREATE SEQUENCE "AuditPendingNumbers";""");
            migrationBuilder.Sql("""
                CREATE FUNCTION "AuditChainAtCommit"() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    chained_sequence bigint;
                    previous_hash text;
                    chained_hash text;
                BEGIN
                    PERFORM pg_advisory_xact_lock(336421784077);
                    SELECT "Sequence", "Hash" INTO chained_sequence, previous_hash
                        FROM "AuditEntries" WHERE "Sequence" > 0 ORDER BY "Sequence" DESC LIMIT 1;
                    chained_sequence := coalesce(chained_sequence, 0) + 1;
                    previous_hash := coalesce(previous_hash, repeat('0', 64));
                    chained_hash := encode(sha256(convert_to(concat_ws(chr(31),
                        chained_sequence::text, to_char(NEW."At" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                        NEW."Actor", NEW."Action", NEW."Subject", NEW."Detail", previous_hash), 'UTF8')), 'hex');
                    UPDATE "AuditEntries" SET "Sequence" = chained_sequence, "PreviousHash" = previous_hash, "Hash" = chained_hash
                        WHERE "Sequence" = NEW."Sequence";
                    RETURN NULL;
                END
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE CONSTRAINT TRIGGER "AuditChainAtCommit" AFTER INSERT ON "AuditEntries"
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW."Sequence" < 0)
                    EXECUTE FUNCTION "AuditChainAtCommit"();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER "AuditChainAtCommit" ON "AuditEntries";""");
            migrationBuilder.Sql("""DROP FUNCTION "AuditChainAtCommit"();""");
            migrationBuilder.Sql("""DROP SEQUENCE "AuditPendingNumbers";""");
        }
    }
}

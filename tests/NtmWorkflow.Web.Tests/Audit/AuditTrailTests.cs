using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Web.Features.Audit;
using NtmWorkflow.Web.Persistence;
using NtmWorkflow.Web.Tests.Persistence;

namespace NtmWorkflow.Web.Tests.Audit;

/// <summary>The append-only audit table: its hash chain is written with each change and shows any tampering.</summary>
public abstract class AuditTrailTests<TFixture>(TFixture database) : IClassFixture<TFixture>
    where TFixture : DatabaseFixture
{
    protected AppDbContext CreateContext() => database.CreateContext();

    private async Task<long> LastSequenceAsync()
    {
        await using var db = database.CreateContext();
        return await db.AuditEntries.MaxAsync(a => (long?)a.Sequence) ?? 0;
    }

    [Fact]
    public async Task Entries_saved_with_a_change_form_an_intact_chain_and_a_failed_save_leaves_none()
    {
        var before = await LastSequenceAsync();
        await using (var db = database.CreateContext())
        {
            AuditTrail.Record(db, "xa.lan", "dossier.indicatorSet", "dossier/a", new { indicator = "17.10", after = "85" });
            AuditTrail.Record(db, "vpdp", "dossier.reviewed", "dossier/a", new { decision = "return", reason = "Thiếu biên bản" });
            AuditTrail.Record(db, "Nguyễn Văn Ánh", "document.attached", "dossier/a", "{\"file\":\"Biên bản 📎.pdf\"}");
            await db.SaveChangesAsync();
        }

        // A save that fails writes no audit entry: the entry exists exactly when the change does.
        await using (var db = database.CreateContext())
        {
            AuditTrail.Record(db, "vpdp", "legal-parameter.set", "x", new { });
            for (var i = 0; i < 2; i++)
            {
                // The same name twice for the same province: the unique index refuses the save.
                db.LegalParameters.Add(new Web.Features.LegalParameters.LegalParameterRow
                {
                    Name = "audit.test", ProvinceCode = "99", Value = "1", Unit = "days", Description = "d", Source = "s",
                });
            }

            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        }

        await using (var db = database.CreateContext())
        {
            var rows = await db.AuditEntries.Where(a => a.Sequence > before).OrderBy(a => a.Sequence).ToListAsync();
            Assert.Equal([("xa.lan", "dossier.indicatorSet"), ("vpdp", "dossier.reviewed"), ("Nguyễn Văn Ánh", "document.attached")], rows.Select(r => (r.Actor, r.Action)));
            Assert.Equal([before + 1, before + 2, before + 3], rows.Select(r => r.Sequence));
            Assert.Equal(rows[0].Hash, rows[1].PreviousHash);
            Assert.Contains("Thiếu biên bản", rows[1].Detail, StringComparison.Ordinal);

            // Hashed over the same UTF-8 text by either provider (PostgreSQL computes it in the database).
            Assert.Equal("{\"file\":\"Biên bản 📎.pdf\"}", rows[2].Detail);
            Assert.Null(await AuditTrail.VerifyAsync(db, CancellationToken.None));
        }
    }

    [Fact]
    public async Task Concurrent_writers_extend_one_chain_without_gaps()
    {
        var before = await LastSequenceAsync();
        const int writers = 6, each = 8;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < each; i++)
            {
                await using var db = database.CreateContext();
                AuditTrail.Record(db, $"writer{w}", "test.append", $"writer/{w}", new { i });
                await db.SaveChangesAsync();
            }
        })));

        await using var check = database.CreateContext();
        var sequences = await check.AuditEntries.Where(a => a.Sequence > before).Select(a => a.Sequence).OrderBy(s => s).ToListAsync();
        Assert.Equal(Enumerable.Range(1, writers * each).Select(i => before + i), sequences);
        Assert.Null(await AuditTrail.VerifyAsync(check, CancellationToken.None));
    }

    [Fact]
    public async Task Entries_saved_in_the_callers_transaction_are_chained_with_it_and_rolled_back_with_it()
    {
        var before = await LastSequenceAsync();
        await using (var db = database.CreateContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            AuditTrail.Record(db, "vpdp", "test.outer", "outer/1", new { i = 1 });
            db.LegalParameters.Add(new Web.Features.LegalParameters.LegalParameterRow
            {
                Name = "audit.outer", ProvinceCode = "98", Value = "1", Unit = "days", Description = "d", Source = "s",
            });
            await db.SaveChangesAsync();
            AuditTrail.Record(db, "vpdp", "test.outer", "outer/2", new { i = 2 });
            await db.SaveChangesAsync();

            // Saved and accepted: nothing left to write again.
            Assert.DoesNotContain(db.ChangeTracker.Entries<AuditEntryRow>(), e => e.State == EntityState.Added);
            await transaction.CommitAsync();
        }

        await using (var db = database.CreateContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            AuditTrail.Record(db, "vpdp", "test.outer", "outer/3", new { i = 3 });
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        await using (var check = database.CreateContext())
        {
            Assert.Equal([(before + 1, "outer/1"), (before + 2, "outer/2")],
                (await check.AuditEntries.Where(a => a.Sequence > before).OrderBy(a => a.Sequence).ToListAsync()).Select(a => (a.Sequence, a.Subject)));
            Assert.True(await check.LegalParameters.AnyAsync(p => p.Name == "audit.outer" && p.ProvinceCode == "98"));
            Assert.Null(await AuditTrail.VerifyAsync(check, CancellationToken.None));
        }
    }

    [Fact]
    public async Task A_modified_inserted_or_deleted_row_is_found()
    {
        await using (var db = database.CreateContext())
        {
            for (var i = 0; i < 4; i++)
            {
                AuditTrail.Record(db, "admin", "role.assigned", $"user/u{i}", new { i });
            }

            await db.SaveChangesAsync();
        }

        var last = await LastSequenceAsync();
        await using (var db = database.CreateContext())
        {
            // Modified: someone edits the detail of an old row in SQL.
            var target = last - 2;
            await db.Database.ExecuteSqlAsync($"UPDATE \"AuditEntries\" SET \"Detail\" = '{{\"i\":99}}' WHERE \"Sequence\" = {target}");
            var broken = await AuditTrail.VerifyAsync(db, CancellationToken.None);
            Assert.Equal(target, broken?.Sequence);
            Assert.Contains("modified", broken!.Reason, StringComparison.Ordinal);
        }

        await using (var db = database.CreateContext())
        {
            await RestoreAsync(db, last - 2);

            // Deleted: the row after the gap no longer follows.
            var removed = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Sequence == last - 1);
            await db.Database.ExecuteSqlAsync($"DELETE FROM \"AuditEntries\" WHERE \"Sequence\" = {last - 1}");
            var broken = await AuditTrail.VerifyAsync(db, CancellationToken.None);
            Assert.Equal(last, broken?.Sequence);
            Assert.Contains("missing", broken!.Reason, StringComparison.Ordinal);
            await db.Database.ExecuteSqlAsync($"INSERT INTO \"AuditEntries\" (\"Sequence\", \"At\", \"Actor\", \"Action\", \"Subject\", \"Detail\", \"PreviousHash\", \"Hash\") VALUES ({removed.Sequence}, {removed.At.UtcDateTime}, {removed.Actor}, {removed.Action}, {removed.Subject}, {removed.Detail}, {removed.PreviousHash}, {removed.Hash})");
            Assert.Null(await AuditTrail.VerifyAsync(db, CancellationToken.None));
        }
    }

    /// <summary>Puts the row's original detail back (the test's own tampering undone).</summary>
    private static async Task RestoreAsync(AppDbContext db, long sequence)
    {
        var i = 4 - (int)(await db.AuditEntries.MaxAsync(a => a.Sequence) - sequence) - 1;
        await db.Database.ExecuteSqlAsync($"UPDATE \"AuditEntries\" SET \"Detail\" = {"{\"i\":" + i + "}"} WHERE \"Sequence\" = {sequence}");
        Assert.Null(await AuditTrail.VerifyAsync(db, CancellationToken.None));
    }
}

public sealed class AuditTrailTests_Sqlite(SqliteDatabaseFixture database) : AuditTrailTests<SqliteDatabaseFixture>(database);

[Trait("Db", "Postgres")]
public sealed class AuditTrailTests_Postgres(PostgresDatabaseFixture fixture) : AuditTrailTests<PostgresDatabaseFixture>(fixture)
{
    [Fact]
    public async Task An_open_transaction_with_entries_holds_up_no_other_audited_save()
    {
        await using var check = CreateContext();
        var before = await check.AuditEntries.MaxAsync(a => (long?)a.Sequence) ?? 0;

        // The first writer has saved its entry but not committed (its official still has the page open, say).
        await using var first = CreateContext();
        await using var firstTransaction = await first.Database.BeginTransactionAsync();
        AuditTrail.Record(first, "first", "test.open", "open/1");
        await first.SaveChangesAsync();

        // The second commits meanwhile, refusing to wait for any lock: the audit lock is taken only inside a commit.
        await using (var second = CreateContext())
        {
            await using var transaction = await second.Database.BeginTransactionAsync();
            await second.Database.ExecuteSqlRawAsync("SET LOCAL lock_timeout = '2s'");
            AuditTrail.Record(second, "second", "test.open", "open/2");
            await second.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        await firstTransaction.CommitAsync();

        // The chain is in commit order.
        Assert.Equal([(before + 1, "open/2"), (before + 2, "open/1")],
            (await check.AuditEntries.Where(a => a.Sequence > before).OrderBy(a => a.Sequence).ToListAsync()).Select(a => (a.Sequence, a.Subject)));
        Assert.Null(await AuditTrail.VerifyAsync(check, CancellationToken.None));
    }

    [Fact]
    public async Task The_commit_takes_the_audit_lock_and_a_commit_that_cannot_get_it_saves_nothing()
    {
        await using var holder = CreateContext();
        await holder.Database.OpenConnectionAsync();
        await holder.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({AuditTrail.LockKey})");
        try
        {
            await using var db = CreateContext();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.Database.ExecuteSqlRawAsync("SET LOCAL lock_timeout = '200ms'");
            db.LegalParameters.Add(new Web.Features.LegalParameters.LegalParameterRow
            {
                Name = "audit.locked", ProvinceCode = "97", Value = "1", Unit = "days", Description = "d", Source = "s",
            });
            AuditTrail.Record(db, "vpdp", "legal-parameter.set", "legal-parameter/audit.locked");
            await db.SaveChangesAsync();
            var refused = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => transaction.CommitAsync());
            Assert.Equal(Npgsql.PostgresErrorCodes.LockNotAvailable, refused.SqlState);
        }
        finally
        {
            await holder.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({AuditTrail.LockKey})");
        }

        await using var check = CreateContext();
        Assert.False(await check.LegalParameters.AnyAsync(p => p.Name == "audit.locked"));
        Assert.False(await check.AuditEntries.AnyAsync(a => a.Subject == "legal-parameter/audit.locked" || a.Sequence < 0));
        Assert.Null(await AuditTrail.VerifyAsync(check, CancellationToken.None));
    }
}

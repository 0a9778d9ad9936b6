using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Web.Features.Accounts;

namespace NtmWorkflow.Web.Tests.Persistence;

/// <summary>The model and its migrations, on each provider.</summary>
public abstract class PersistenceTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : DatabaseFixture
{
    [Fact]
    public async Task Migrations_match_the_model()
    {
        await using var db = fixture.CreateContext();
        Assert.False(db.Database.HasPendingModelChanges(),
            $"The {fixture.Provider} model has changes no migration captures: add a migration (docs/operations.md).");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync());
    }

    [Fact]
    public async Task Instants_are_stored_as_UTC_and_compare_in_SQL()
    {
        var lockedUntil = new DateTimeOffset(2026, 3, 2, 8, 30, 0, TimeSpan.FromHours(7));
        var name = "utc-" + Guid.NewGuid().ToString("N")[..8];
        await using (var db = fixture.CreateContext())
        {
            db.Users.Add(new AppUser { UserName = name, NormalizedUserName = name.ToUpperInvariant(), FullName = "Kiểm thử", LockoutEnd = lockedUntil });
            await db.SaveChangesAsync();
        }

        await using (var db = fixture.CreateContext())
        {
            var stored = await db.Users.SingleAsync(u => u.UserName == name);
            Assert.Equal(lockedUntil, stored.LockoutEnd);
            Assert.Equal(TimeSpan.Zero, stored.LockoutEnd!.Value.Offset);

            // The comparison runs in SQL on both providers (SQLite cannot compare DateTimeOffset).
            var justBefore = lockedUntil.AddMinutes(-1);
            var justAfter = lockedUntil.AddMinutes(1);
            Assert.True(await db.Users.AnyAsync(u => u.UserName == name && u.LockoutEnd > justBefore));
            Assert.False(await db.Users.AnyAsync(u => u.UserName == name && u.LockoutEnd > justAfter));
        }
    }
}

public sealed class PersistenceTests_Sqlite(SqliteDatabaseFixture fixture) : PersistenceTests<SqliteDatabaseFixture>(fixture);

[Trait("Db", "Postgres")]
public sealed class PersistenceTests_Postgres(PostgresDatabaseFixture fixture) : PersistenceTests<PostgresDatabaseFixture>(fixture);

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Audit;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Tests.Cli;

/// <summary>
/// `ntm audit verify` as an operator runs it (the built ntm.dll in its own process) on a fresh database per test with five
/// audit rows, tampered with in SQL as someone with database access would: exit 0 while intact, 1 with the first broken row.
/// </summary>
public abstract class NtmAuditVerifyTests : IAsyncLifetime
{
    private const int Rows = 5;
    private readonly TemporaryDirectory _data = new();

    private Dictionary<string, string> _environment = [];

    /// <summary>An empty database; the environment that points ntm at it.</summary>
    protected abstract Task<Dictionary<string, string>> CreateDatabaseAsync(string dataDirectory);

    protected abstract AppDbContext CreateContext();

    protected virtual Task DropAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _environment = await CreateDatabaseAsync(_data.Path);
        await using var db = CreateContext();
        await new DatabaseMigrator(db, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);
        for (var i = 1; i <= Rows; i++)
        {
            AuditTrail.Record(db, "admin", "role.assigned", $"user/u{i}", new { i });
            await db.SaveChangesAsync();
        }
    }

    [Fact]
    public async Task An_intact_chain_exits_0_with_its_head_and_the_recorded_head_checks()
    {
        var result = await RunAsync("audit", "verify");
        Assert.Equal(0, result.ExitCode);
        var line = Assert.Single(result.JsonLines());
        Assert.True(line.GetProperty("intact").GetBoolean());
        Assert.Equal(Rows, line.GetProperty("head").GetProperty("sequence").GetInt64());
        var head = line.GetProperty("head").GetProperty("text").GetString()!;
        Assert.Equal(await HashAsync(Rows), head.Split(':')[1]);

        Assert.Equal(0, (await RunAsync("audit", "verify", "--expect-head", head)).ExitCode);
        Assert.Equal(0, (await RunAsync("audit", "verify", "--expect-head", $"3:{await HashAsync(3)}")).ExitCode);
    }

    [Fact]
    public async Task A_modified_detail_is_found_at_its_sequence()
    {
        await ExecuteAsync("UPDATE \"AuditEntries\" SET \"Detail\" = '{{\"i\":99}}' WHERE \"Sequence\" = 3");
        var broken = await BrokenAsync();
        Assert.Equal(3, broken.Sequence);
        Assert.Contains("modified", broken.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_middle_row_is_found_at_the_row_after_the_gap()
    {
        await ExecuteAsync("DELETE FROM \"AuditEntries\" WHERE \"Sequence\" = 3");
        var broken = await BrokenAsync();
        Assert.Equal(4, broken.Sequence);
        Assert.Contains("missing", broken.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forged_row_inserted_in_the_middle_is_found_even_with_its_own_hash_right()
    {
        // Rows 3–5 move up one place; a forged row 3 follows row 2 and carries a hash computed as the app would, and the
        // row after it is relinked to it (the table refuses two rows naming the same previous hash).
        for (var sequence = Rows; sequence >= 3; sequence--)
        {
            await ExecuteAsync($"UPDATE \"AuditEntries\" SET \"Sequence\" = {sequence + 1} WHERE \"Sequence\" = {sequence}");
        }

        await using (var db = CreateContext())
        {
            var second = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Sequence == 2);
            var forged = new AuditEntryRow
            {
                Sequence = 3, At = second.At, Actor = "admin", Action = "role.assigned", Subject = "user/forged", Detail = "{\"i\":0}",
                PreviousHash = second.Hash, Hash = "",
            };
            forged.Hash = AuditTrail.HashOf(forged);
            await db.Database.ExecuteSqlAsync($"UPDATE \"AuditEntries\" SET \"PreviousHash\" = {forged.Hash} WHERE \"Sequence\" = 4");
            await db.Database.ExecuteSqlAsync($"INSERT INTO \"AuditEntries\" (\"Sequence\", \"At\", \"Actor\", \"Action\", \"Subject\", \"Detail\", \"PreviousHash\", \"Hash\") VALUES ({forged.Sequence}, {forged.At.UtcDateTime}, {forged.Actor}, {forged.Action}, {forged.Subject}, {forged.Detail}, {forged.PreviousHash}, {forged.Hash})");
        }

        var broken = await BrokenAsync();
        Assert.Equal(4, broken.Sequence);
        Assert.Contains("modified", broken.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_the_last_rows_is_found_only_against_the_recorded_head()
    {
        var head = $"{Rows}:{await HashAsync(Rows)}";
        await ExecuteAsync($"DELETE FROM \"AuditEntries\" WHERE \"Sequence\" >= {Rows - 1}");

        // The shorter chain is intact on its own…
        var alone = await RunAsync("audit", "verify");
        Assert.Equal(0, alone.ExitCode);
        Assert.Equal(Rows - 2, Assert.Single(alone.JsonLines()).GetProperty("head").GetProperty("sequence").GetInt64());

        // …and the head recorded before the deletion shows it.
        var broken = await BrokenAsync("--expect-head", head);
        Assert.Equal(Rows, broken.Sequence);
        Assert.Contains("missing", broken.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("audit")]
    [InlineData("audit", "check")]
    [InlineData("audit", "verify", "--expect-head", "5")]
    [InlineData("audit", "verify", "--expect-head", "0:0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("audit", "verify", "--expect-head", "5:xyz")]
    [InlineData("audit", "verify", "--since", "5")]
    public async Task Bad_arguments_exit_2(params string[] args) => Assert.Equal(2, (await RunAsync(args)).ExitCode);

    private async Task<AuditBreak> BrokenAsync(params string[] options)
    {
        var result = await RunAsync(["audit", "verify", .. options]);
        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}: {result.Stdout} {result.Stderr}");
        var line = Assert.Single(result.JsonLines());
        Assert.False(line.GetProperty("intact").GetBoolean());
        var broken = line.GetProperty("broken");
        return new AuditBreak(broken.GetProperty("sequence").GetInt64(), broken.GetProperty("reason").GetString()!);
    }

    private async Task<string> HashAsync(long sequence)
    {
        await using var db = CreateContext();
        return await db.AuditEntries.Where(a => a.Sequence == sequence).Select(a => a.Hash).SingleAsync();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var db = CreateContext();
#pragma warning disable EF1002 // the tests' own constant SQL, no user input
        await db.Database.ExecuteSqlRawAsync(sql);
#pragma warning restore EF1002
    }

    private Task<CliResult> RunAsync(params string[] args) => NtmProcess.RunAsync(_data.Path, _environment, args);

    public async Task DisposeAsync()
    {
        await DropAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
    }
}

public sealed class NtmAuditVerifyTests_Sqlite : NtmAuditVerifyTests
{
    private string _connectionString = "";

    protected override Task<Dictionary<string, string>> CreateDatabaseAsync(string dataDirectory)
    {
        _connectionString = $"Data Source={Path.Combine(dataDirectory, "audit.db")}";
        return Task.FromResult(new Dictionary<string, string> { ["Database__Provider"] = "Sqlite", ["Database__ConnectionString"] = _connectionString, ["Storage__DataDirectory"] = dataDirectory });
    }

    protected override AppDbContext CreateContext() =>
        new SqliteAppDbContext(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(_connectionString).Options);
}

[Trait("Db", "Postgres")]
public sealed class NtmAuditVerifyTests_Postgres : NtmAuditVerifyTests
{
    private PostgresTestDatabase? _database;

    protected override async Task<Dictionary<string, string>> CreateDatabaseAsync(string dataDirectory)
    {
        _database = await PostgresTestDatabase.CreateAsync();
        return new Dictionary<string, string> { ["Database__Provider"] = "Postgres", ["Database__ConnectionString"] = _database.ConnectionString, ["Storage__DataDirectory"] = dataDirectory };
    }

    protected override AppDbContext CreateContext() => _database!.CreateContext();

    protected override async Task DropAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

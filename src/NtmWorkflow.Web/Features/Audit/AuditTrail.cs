using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Audit;

/// <summary>
/// One row of the append-only audit table (nhật ký): who did what to which thing, when. Each row carries
/// the hash of the row before it, so a modified, inserted or deleted row breaks the chain
/// (<see cref="AuditTrail.VerifyAsync"/>).
/// </summary>
public sealed class AuditEntryRow
{
    /// <summary>1, 2, 3, … without gaps: given by the save that appends the row, under the audit lock.</summary>
    public long Sequence { get; set; }

    /// <summary>To the millisecond, so the hash reads the same on every provider.</summary>
    public DateTimeOffset At { get; set; }

    public required string Actor { get; set; }

    /// <summary>What was done, e.g. <c>dossier.opened</c>, <c>workflow.taskCompleted</c>, <c>account.signedIn</c>.</summary>
    public required string Action { get; set; }

    /// <summary>What it was done to, e.g. <c>dossier/…</c> or <c>task/…</c>.</summary>
    public required string Subject { get; set; }

    /// <summary>JSON with the particulars (values before and after, reasons).</summary>
    public required string Detail { get; set; }

    /// <summary>Hex SHA-256 of the previous row; 64 zeros for the first.</summary>
    public required string PreviousHash { get; set; }

    public required string Hash { get; set; }
}

/// <summary>The first row where the chain breaks, and why.</summary>
public sealed record AuditBreak(long Sequence, string Reason);

/// <summary>
/// The last row of the chain: its sequence and hash. Deleting the last rows leaves an intact (shorter) chain, so an
/// operator records the head (e.g. daily, in the operations journal) and checks it later with <see cref="AuditTrail.CheckHeadAsync"/>.
/// </summary>
public sealed record AuditHead(long Sequence, string Hash)
{
    /// <summary>As written and read by <c>ntm audit verify --expect-head</c>: <c>SEQ:HASH</c>.</summary>
    public override string ToString() => $"{Sequence.ToString(CultureInfo.InvariantCulture)}:{Hash}";

    public static bool TryParse(string? text, out AuditHead? head)
    {
        head = null;
        var parts = (text ?? "").Split(':');
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) || sequence < 1
            || parts[1].Length != 64 || !parts[1].All(char.IsAsciiHexDigit))
        {
            return false;
        }

        head = new AuditHead(sequence, parts[1].ToLowerInvariant());
        return true;
    }
}

/// <summary>
/// Writes and checks the audit chain. Callers <see cref="Record"/> an entry in the same context as the change
/// it describes; <see cref="AppDbContext"/> gives it its sequence and hashes when it saves, inside the same
/// transaction, under a lock (PostgreSQL advisory lock; one writer at a time in SQLite), so the entry exists
/// exactly when the change does.
/// </summary>
public static class AuditTrail
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>PostgreSQL's audit lock, taken by the trigger of migration AuditChainedAtCommit (336421784077).</summary>
    internal const long LockKey = 0x4E544D_0A0D; // "NTM" + audit

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Adds an entry to be written with the context's next save.</summary>
    public static void Record(AppDbContext db, string actor, string action, string subject, object? detail = null)
    {
        ArgumentNullException.ThrowIfNull(db);

        // A placeholder key (-1, -2, … in the order recorded) until the save gives the real sequence.
        var pending = db.ChangeTracker.Entries<AuditEntryRow>().Count(e => e.State == EntityState.Added);
        db.AuditEntries.Add(new AuditEntryRow
        {
            Sequence = -(pending + 1),
            Actor = Limit(actor, 256), Action = Limit(action, 100), Subject = Limit(subject, 300),
            Detail = detail is null ? "{}" : detail as string ?? JsonSerializer.Serialize(detail, Json),
            PreviousHash = "", Hash = "",
        });
    }

    /// <summary>
    /// Inserts the pending entries in the context's open transaction, after its other changes were saved; called by the
    /// context's save. On SQLite (one writer at a time) it chains them here. On PostgreSQL they go in with placeholders,
    /// and the database chains them when the transaction commits: a deferred trigger (migration AuditChainedAtCommit)
    /// takes the audit lock, reads the head and writes each row's sequence and SHA-256. So the lock is held only inside
    /// the commit, never across a reply to this process, whose threads may be busy; the chain's order is the commit order.
    /// </summary>
    internal static async Task AppendAsync(AppDbContext db, IReadOnlyList<AuditEntryRow> pending, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sql = AuditSql.Of(db);
        var npgsql = db.Database.IsNpgsql();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction() ?? throw new InvalidOperationException("The audit entries are appended inside a transaction.");
        if (db.Database.GetCommandTimeout() is { } timeout)
        {
            command.CommandTimeout = timeout;
        }

        var at = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
        if (npgsql)
        {
            foreach (var entry in pending)
            {
                entry.At = at;
            }
        }
        else
        {
            command.CommandText = sql.Head;
            var (sequence, previous) = (0L, Genesis);
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken))
                {
                    (sequence, previous) = (reader.GetInt64(0), reader.GetString(1));
                }
            }

            foreach (var entry in pending)
            {
                entry.Sequence = ++sequence;
                entry.At = at;
                entry.PreviousHash = previous;
                entry.Hash = HashOf(entry);
                previous = entry.Hash;
            }
        }

        foreach (var rows in pending.Chunk(RowsPerInsert))
        {
            command.CommandText = sql.Insert(rows.Length, npgsql);
            command.Parameters.Clear();
            var n = 0;
            foreach (var row in rows)
            {
                foreach (var column in sql.Columns)
                {
                    if (!npgsql || column.PendingValue is null)
                    {
                        command.Parameters.Add(column.Mapping.CreateParameter(command, "@p" + n.ToString(CultureInfo.InvariantCulture), column.Value(row), nullable: false));
                    }

                    n++;
                }
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The PostgreSQL sequence (migration AuditChainedAtCommit) PostgreSQL's placeholders are drawn from until the commit:
    /// a negative sequence and a previous hash that no chained row can have, each unique (the sequence is the key and
    /// the previous hash has a unique index), so concurrent transactions never wait on each other's pending rows.
    /// </summary>
    internal const string PendingNumbers = "AuditPendingNumbers";

    /// <summary>Well under SQLite's and PostgreSQL's limits on parameters in a statement (8 a row).</summary>
    private const int RowsPerInsert = 500;

    /// <summary>The audit table's statements, written from the model (names and type mappings of the provider).</summary>
    private sealed class AuditSql
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IModel, AuditSql> ByModel = [];

        private readonly string insertInto;

        private AuditSql(AppDbContext db)
        {
            var entity = db.Model.FindEntityType(typeof(AuditEntryRow)) ?? throw new InvalidOperationException("The model has no audit table.");
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            var helper = db.GetService<ISqlGenerationHelper>();
            string Name(IProperty p) => helper.DelimitIdentifier(p.GetColumnName(table)!);
            var pending = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [nameof(AuditEntryRow.Sequence)] = $"-nextval('\"{PendingNumbers}\"')",
                [nameof(AuditEntryRow.PreviousHash)] = $"'pending ' || nextval('\"{PendingNumbers}\"')",
                [nameof(AuditEntryRow.Hash)] = "''",
            };
            Columns = [.. entity.GetProperties().Select(p => (Name(p), p.GetRelationalTypeMapping(), (Func<AuditEntryRow, object?>)p.GetGetter().GetClrValueUsingContainingEntity,
                pending.GetValueOrDefault(p.Name)))];
            var delimitedTable = helper.DelimitIdentifier(table.Name, table.Schema);
            var sequence = Name(entity.FindProperty(nameof(AuditEntryRow.Sequence))!);
            Head = $"SELECT {sequence}, {Name(entity.FindProperty(nameof(AuditEntryRow.Hash))!)} FROM {delimitedTable} ORDER BY {sequence} DESC LIMIT 1";
            insertInto = $"INSERT INTO {delimitedTable} ({string.Join(", ", Columns.Select(c => c.Name))}) VALUES ";
        }

        /// <summary>Each column with, for the chained ones, the placeholder PostgreSQL's insert writes until the commit.</summary>
        public IReadOnlyList<(string Name, RelationalTypeMapping Mapping, Func<AuditEntryRow, object?> Value, string? PendingValue)> Columns { get; }

        public string Head { get; }

        public static AuditSql Of(AppDbContext db) => ByModel.GetValue(db.Model, _ => new AuditSql(db));

        /// <summary>The statement for <paramref name="rows"/> entries; with <paramref name="pendingChain"/>, PostgreSQL's placeholders in the chained columns.</summary>
        public string Insert(int rows, bool pendingChain)
        {
            var text = new StringBuilder(insertInto);
            for (var r = 0; r < rows; r++)
            {
                text.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < Columns.Count; c++)
                {
                    text.Append(c == 0 ? "" : ", ");
                    if (pendingChain && Columns[c].PendingValue is { } placeholder)
                    {
                        text.Append(placeholder);
                    }
                    else
                    {
                        text.Append("@p").Append((r * Columns.Count) + c);
                    }
                }

                text.Append(')');
            }

            return text.ToString();
        }
    }

    /// <summary>Walks the chain in order; null when it is intact, else the first row that breaks it.</summary>
    public static async Task<AuditBreak?> VerifyAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var (expectedSequence, previous) = (1L, Genesis);
        const int page = 5_000;
        for (var after = 0L; ; )
        {
            var rows = await db.AuditEntries.AsNoTracking().Where(a => a.Sequence > after).OrderBy(a => a.Sequence).Take(page).ToListAsync(cancellationToken);
            foreach (var row in rows)
            {
                if (row.Sequence != expectedSequence)
                {
                    return new AuditBreak(row.Sequence, row.Sequence > expectedSequence ? $"rows {expectedSequence}–{row.Sequence - 1} are missing" : "the sequence goes backwards");
                }

                if (row.PreviousHash != previous)
                {
                    return new AuditBreak(row.Sequence, "it does not follow the row before it (a row was deleted or inserted)");
                }

                if (HashOf(row) != row.Hash)
                {
                    return new AuditBreak(row.Sequence, "its content does not match its hash (the row was modified)");
                }

                previous = row.Hash;
                expectedSequence++;
            }

            if (rows.Count < page)
            {
                return null;
            }

            after = rows[^1].Sequence;
        }
    }

    /// <summary>The last row's sequence and hash; null while the table is empty.</summary>
    public static async Task<AuditHead?> HeadAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var last = await db.AuditEntries.AsNoTracking().OrderByDescending(a => a.Sequence)
            .Select(a => new { a.Sequence, a.Hash }).FirstOrDefaultAsync(cancellationToken);
        return last is null ? null : new AuditHead(last.Sequence, last.Hash);
    }

    /// <summary>
    /// Checks a head recorded earlier against the table (whose chain <see cref="VerifyAsync"/> found intact): the row
    /// with that sequence must still exist and carry that hash. Null when it does; else the break. This finds the
    /// last rows deleted (tail truncation), and any rewrite of the rows up to the recorded head, even one that
    /// recomputed every hash after it.
    /// </summary>
    public static async Task<AuditBreak?> CheckHeadAsync(AppDbContext db, AuditHead expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(expected);
        var hash = await db.AuditEntries.AsNoTracking().Where(a => a.Sequence == expected.Sequence).Select(a => a.Hash).FirstOrDefaultAsync(cancellationToken);
        return hash switch
        {
            null => new AuditBreak(expected.Sequence, $"the recorded head {expected.Sequence} is missing (rows at the end were deleted)"),
            _ when !string.Equals(hash, expected.Hash, StringComparison.OrdinalIgnoreCase) =>
                new AuditBreak(expected.Sequence, "the recorded head's hash differs (the chain up to it was rewritten)"),
            _ => null,
        };
    }

    internal static string HashOf(AuditEntryRow row)
    {
        var text = string.Join('\u001f', row.Sequence.ToString(CultureInfo.InvariantCulture), row.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            row.Actor, row.Action, row.Subject, row.Detail, row.PreviousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static string Limit(string text, int max) => string.IsNullOrEmpty(text) ? "-" : text.Length <= max ? text : text[..max];
}

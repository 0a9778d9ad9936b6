using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
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

    /// <summary>Gives pending entries their place in the chain; called by the context's save, under the audit lock.</summary>
    internal static async Task ChainAsync(AppDbContext db, IReadOnlyList<AuditEntryRow> pending, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var last = await db.AuditEntries.AsNoTracking().OrderByDescending(a => a.Sequence)
            .Select(a => new { a.Sequence, a.Hash }).FirstOrDefaultAsync(cancellationToken);
        var (sequence, previous) = last is null ? (0L, Genesis) : (last.Sequence, last.Hash);
        var at = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
        foreach (var entry in pending)
        {
            entry.Sequence = ++sequence;
            entry.At = at;
            entry.PreviousHash = previous;
            entry.Hash = HashOf(entry);
            previous = entry.Hash;
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

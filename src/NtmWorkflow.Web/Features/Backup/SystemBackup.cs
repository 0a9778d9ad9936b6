using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NtmWorkflow.Web.Features.Audit;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Workflows.Store;
using NtmWorkflow.Web.Infrastructure.Documents;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Backup;

/// <summary>What a backup holds, and what a restore must find again.</summary>
public sealed record BackupFacts(long Dossiers, long Instances, long PendingTimers, long AuditEntries, long AuditHeadSequence, string AuditHeadHash);

public sealed record BackupDocument(string Key, string ContentType, long Length, string Sha256);

/// <summary>manifest.json of a backup folder.</summary>
public sealed record BackupManifest(int Format, DateTimeOffset CreatedAt, string Provider, string DatabaseFile, BackupFacts Facts, IReadOnlyList<BackupDocument> Documents);

/// <summary>A refused backup or restore, with the reason an operator can act on.</summary>
public sealed class BackupException(string message) : Exception(message);

/// <summary>
/// Backs the whole system up into a folder, and restores it: the database (SQLite: <c>VACUUM INTO</c>, a consistent
/// copy taken while the app runs; PostgreSQL: <c>pg_dump</c> in the custom format, in the snapshot the manifest's
/// facts were counted in) and then every document of the store (local folder or blob container) with its SHA-256.
/// Documents are copied after the database, so every document a backed-up row names is in the backup: uploads store
/// the bytes before the row. A restore replaces an empty database, brings it to this version's migrations, puts the
/// documents back (each checked against its hash) and checks the audit chain and the facts against the manifest.
/// Timers are rows of the database, so the restored system's pending timers fire when it starts.
/// </summary>
public sealed class SystemBackup(AppDbContext db, IDocumentStore documents, DatabaseMigrator migrator)
{
    public const string ManifestFile = "manifest.json";
    private const string DocumentsFolder = "documents";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Folder holding pg_dump and pg_restore; null to take them from PATH.</summary>
    public string? PostgresTools { get; set; }

    public async Task<BackupManifest> BackupAsync(string folder, DateTimeOffset now, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        if (Directory.EnumerateFileSystemEntries(folder).Any())
        {
            throw new BackupException($"the folder {folder} is not empty: a backup goes into a new folder");
        }

        var (provider, file, facts) = db.Database.IsNpgsql() ? ("Postgres", "database.pgdump", await DumpPostgresAsync(Path.Combine(folder, "database.pgdump"), ct))
            : ("Sqlite", "database.sqlite", await CopySqliteAsync(Path.Combine(folder, "database.sqlite"), ct));

        var copied = new List<BackupDocument>();
        await foreach (var key in documents.ListAsync(ct))
        {
            await using var stored = await documents.OpenAsync(key, ct);
            if (stored is null)
            {
                continue; // deleted since it was listed
            }

            var target = Path.Combine(folder, DocumentsFolder, DocumentKey.Normalize(key).Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await using (var output = File.Create(target))
            {
                await stored.Content.CopyToAsync(output, ct);
            }

            copied.Add(new BackupDocument(key, stored.ContentType, new FileInfo(target).Length, await HashAsync(target, ct)));
        }

        var manifest = new BackupManifest(1, now, provider, file, facts, [.. copied.OrderBy(d => d.Key, StringComparer.Ordinal)]);
        await File.WriteAllTextAsync(Path.Combine(folder, ManifestFile), JsonSerializer.Serialize(manifest, Json), ct);
        return manifest;
    }

    /// <summary>Restores <paramref name="folder"/> into this (empty, or with <paramref name="replace"/> any) database and store.</summary>
    public async Task<BackupFacts> RestoreAsync(string folder, bool replace, CancellationToken ct)
    {
        var manifest = await ReadManifestAsync(folder, ct);
        var provider = db.Database.IsNpgsql() ? "Postgres" : "Sqlite";
        if (manifest.Provider != provider)
        {
            throw new BackupException($"the backup is of a {manifest.Provider} database and this system runs on {provider}; move between them by exporting and importing data, not by a restore");
        }

        var present = await FactsAsync(db.Database.GetDbConnection(), null, ct);
        if (!replace && (present.Dossiers > 0 || present.AuditEntries > 0))
        {
            throw new BackupException($"the database already holds {present.Dossiers} dossiers and {present.AuditEntries} audit entries; restore into an empty database, or pass --replace to overwrite it");
        }

        // Every document is checked before anything is replaced, so a damaged backup changes nothing.
        foreach (var document in manifest.Documents)
        {
            var path = DocumentPath(folder, document.Key);
            if (!File.Exists(path) || await HashAsync(path, ct) != document.Sha256)
            {
                throw new BackupException($"the backup's copy of {document.Key} is missing or does not match its SHA-256; nothing was restored");
            }
        }

        var database = Path.Combine(folder, manifest.DatabaseFile);
        if (provider == "Postgres")
        {
            await RestorePostgresAsync(database, ct);
        }
        else
        {
            await RestoreSqliteAsync(database, ct);
        }

        await migrator.MigrateAsync(ct);
        foreach (var document in manifest.Documents)
        {
            await using var content = File.OpenRead(DocumentPath(folder, document.Key));
            await documents.SaveAsync(document.Key, content, document.ContentType, ct);
        }

        db.ChangeTracker.Clear();
        if (await AuditTrail.VerifyAsync(db, ct) is { } broken)
        {
            throw new BackupException($"the restored audit chain breaks at row {broken.Sequence}: {broken.Reason}");
        }

        var restored = await FactsAsync(db.Database.GetDbConnection(), null, ct);
        return restored == manifest.Facts
            ? restored
            : throw new BackupException($"the restored database does not match the backup: it holds {restored}, the backup {manifest.Facts}");
    }

    public static async Task<BackupManifest> ReadManifestAsync(string folder, CancellationToken ct)
    {
        var path = Path.Combine(folder, ManifestFile);
        try
        {
            return JsonSerializer.Deserialize<BackupManifest>(await File.ReadAllTextAsync(path, ct), Json) is { Format: 1 } manifest
                ? manifest
                : throw new BackupException($"{path} is not a backup manifest of format 1");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new BackupException($"{path} cannot be read: {e.Message}");
        }
    }

    private async Task<BackupFacts> CopySqliteAsync(string target, CancellationToken ct)
    {
        // VACUUM INTO writes a consistent, compacted copy while others read and write.
        await db.Database.ExecuteSqlAsync($"VACUUM INTO {target}", ct);
        await using var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = target, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString);
        await copy.OpenAsync(ct);
        return await FactsAsync(copy, null, ct);
    }

    private async Task RestoreSqliteAsync(string source, CancellationToken ct)
    {
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        var target = connection.DataSource; // the file's full path, once open
        await connection.CloseAsync();
        SqliteConnection.ClearAllPools();
        foreach (var sidecar in new[] { "-wal", "-shm", "-journal" })
        {
            File.Delete(target + sidecar);
        }

        File.Copy(source, target, overwrite: true);
    }

    private async Task<BackupFacts> DumpPostgresAsync(string target, CancellationToken ct)
    {
        // The facts are counted in the transaction whose snapshot pg_dump is given: they describe exactly the dump.
        await using var connection = new NpgsqlConnection(db.Database.GetConnectionString());
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await using var export = new NpgsqlCommand("SELECT pg_export_snapshot()", connection, transaction);
        var snapshot = (string)(await export.ExecuteScalarAsync(ct))!;
        var facts = await FactsAsync(connection, transaction, ct);
        await RunPostgresToolAsync("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", $"--snapshot={snapshot}", $"--file={target}"], ct);
        await transaction.CommitAsync(ct);
        return facts;
    }

    private async Task RestorePostgresAsync(string source, CancellationToken ct)
    {
        NpgsqlConnection.ClearAllPools();
        await RunPostgresToolAsync("pg_restore", ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", source], ct);
        NpgsqlConnection.ClearAllPools();
    }

    private async Task RunPostgresToolAsync(string tool, IEnumerable<string> arguments, CancellationToken ct)
    {
        // The connection goes by environment (libpq's PG* variables), so the password never shows in a process list.
        var settings = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());
        var start = new ProcessStartInfo(PostgresTools is null ? tool : Path.Combine(PostgresTools, tool)) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments.Append($"--dbname={settings.Database}"))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PGHOST"] = settings.Host;
        start.Environment["PGPORT"] = settings.Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["PGUSER"] = settings.Username;
        start.Environment["PGPASSWORD"] = settings.Password;
        start.Environment["PGSSLMODE"] = settings.SslMode switch
        {
            SslMode.Disable => "disable", SslMode.Require => "require", SslMode.VerifyCA => "verify-ca", SslMode.VerifyFull => "verify-full", _ => "prefer",
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new BackupException($"{tool} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new BackupException($"{tool} cannot be run ({e.Message}): install the PostgreSQL client tools of the server's version, or name their folder");
        }

        using (process)
        {
            var errors = process.StandardError.ReadToEndAsync(ct);
            _ = process.StandardOutput.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            if (process.ExitCode != 0)
            {
                throw new BackupException($"{tool} failed (exit {process.ExitCode}): {(await errors).Trim()}");
            }
        }
    }

    /// <summary>Counted by plain SQL over the given connection, so the same count reads a live database, a copy or a snapshot.</summary>
    private async Task<BackupFacts> FactsAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(ct);
        }

        try
        {
            return await CountAsync(connection, transaction, ct);
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }
    }

    private async Task<BackupFacts> CountAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        async Task<object?> Scalar(string sql)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            return await command.ExecuteScalarAsync(ct);
        }

        async Task<long> Count<T>() => Convert.ToInt64(await Scalar($"SELECT COUNT(*) FROM {Table<T>()}"), CultureInfo.InvariantCulture);

        var audit = Table<AuditEntryRow>();
        var (sequence, hash) = (Column<AuditEntryRow>(nameof(AuditEntryRow.Sequence)), Column<AuditEntryRow>(nameof(AuditEntryRow.Hash)));
        var head = await Scalar($"SELECT {sequence} FROM {audit} ORDER BY {sequence} DESC LIMIT 1");
        var headHash = await Scalar($"SELECT {hash} FROM {audit} ORDER BY {sequence} DESC LIMIT 1");
        return new BackupFacts(await Count<DossierRow>(), await Count<WorkflowInstanceRow>(), await Count<WorkflowTimerRow>(), await Count<AuditEntryRow>(),
            head is null ? 0 : Convert.ToInt64(head, CultureInfo.InvariantCulture), headHash as string ?? AuditTrail.Genesis);
    }

    private string Table<T>() => Quote(db.Model.FindEntityType(typeof(T))!.GetTableName()!, '"');

    private string Column<T>(string property) =>
        Quote(db.Model.FindEntityType(typeof(T))!.FindProperty(property)!.GetColumnName(), '"');

    private static string Quote(string name, char quote) => quote + name.Replace(quote.ToString(), new string(quote, 2), StringComparison.Ordinal) + quote;

    private static string DocumentPath(string folder, string key) => Path.Combine(folder, DocumentsFolder, DocumentKey.Normalize(key).Replace('/', Path.DirectorySeparatorChar));

    private static async Task<string> HashAsync(string path, CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
    }
}

using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace NtmWorkflow.Web.Persistence;

/// <summary>
/// Makes SQLite wait for a lock itself. Without a busy timeout, a writer that finds the database locked gets SQLITE_BUSY
/// at once and Microsoft.Data.Sqlite sleeps 150 ms before it tries again, so a request that meets the alarm clock's
/// batch of timers or the outbox sender mid-commit stalls for 150 ms or more. With one, SQLite retries in steps of a
/// millisecond upwards and the writer goes on as soon as the lock is free; the command timeout still bounds the wait.
/// </summary>
internal sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    public static readonly SqliteBusyTimeout Instance = new();

    /// <summary>How long SQLite waits inside one attempt; the driver's own retries take over after it.</summary>
    private const int Milliseconds = 5_000;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Set(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Set(connection);
        return Task.CompletedTask;
    }

    // A native call, not a PRAGMA statement: it costs nothing on each open of a pooled connection.
    private static void Set(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
        {
            SQLitePCL.raw.sqlite3_busy_timeout(handle, Milliseconds);
        }
    }
}

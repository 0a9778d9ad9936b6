using System.ComponentModel.DataAnnotations;

namespace NtmWorkflow.Web.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Section <c>Database</c>: which provider, and where.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Required for PostgreSQL; for SQLite, defaults to <c>ntmworkflow.db</c> in the data directory.</summary>
    [MaxLength(2000)]
    public string? ConnectionString { get; set; }
}

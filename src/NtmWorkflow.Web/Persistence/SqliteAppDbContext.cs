using Microsoft.EntityFrameworkCore;

namespace NtmWorkflow.Web.Persistence;

/// <summary>The model on SQLite, the embedded single-node default. Migrations: Persistence/Migrations/Sqlite.</summary>
public sealed class SqliteAppDbContext(DbContextOptions<SqliteAppDbContext> options) : AppDbContext(options);

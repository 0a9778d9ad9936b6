using Microsoft.EntityFrameworkCore;

namespace NtmWorkflow.Web.Persistence;

/// <summary>The model on PostgreSQL, the production store. Migrations: Persistence/Migrations/Postgres.</summary>
public sealed class PostgresAppDbContext(DbContextOptions<PostgresAppDbContext> options) : AppDbContext(options);

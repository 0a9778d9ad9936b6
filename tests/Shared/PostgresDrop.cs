using Npgsql;

namespace NtmWorkflow.Testing;

/// <summary>
/// Drops a test database. An autovacuum worker on it belongs to the server, not to the test role, and
/// <c>WITH (FORCE)</c> cannot end it: the drop waits for it a little (bounded) instead of failing the run.
/// </summary>
public static class PostgresDrop
{
    public static async Task DropDatabaseAsync(NpgsqlConnection admin, string name)
    {
        ArgumentNullException.ThrowIfNull(admin);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
                await command.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse && attempt < 40)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }
}

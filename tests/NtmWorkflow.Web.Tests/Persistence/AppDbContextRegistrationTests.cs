using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Tests.Persistence;

/// <summary>The PostgreSQL connection the store uses prepares repeated statements unless the administrator said otherwise.</summary>
public sealed class AppDbContextRegistrationTests
{
    private static NpgsqlConnectionStringBuilder Registered(string connectionString)
    {
        var services = new ServiceCollection().AddAppDbContext(DatabaseProvider.Postgres, connectionString);
        using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();
        return new NpgsqlConnectionStringBuilder(scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.GetConnectionString());
    }

    [Fact]
    public void Statements_are_prepared_and_kept_across_pooled_connections_by_default()
    {
        var used = Registered("Host=127.0.0.1;Database=ntm;Username=ntm");
        Assert.Equal((64, true), (used.MaxAutoPrepare, used.NoResetOnClose));
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Database=ntm;Max Auto Prepare=0;No Reset On Close=false")]
    [InlineData("Host=127.0.0.1;Database=ntm;MaxAutoPrepare=0;NoResetOnClose=false")]
    public void Settings_given_in_the_connection_string_are_kept(string connectionString)
    {
        var used = Registered(connectionString);
        Assert.Equal((0, false), (used.MaxAutoPrepare, used.NoResetOnClose));
    }
}

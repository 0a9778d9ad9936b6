using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Notifications;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Tests.Organisation;

public sealed class CandidateGroupTests
{
    [Theory]
    [InlineData("commune:00700", Roles.CommuneOfficer, "commune-00700")]
    [InlineData("commune:00700", Roles.Chairman, "commune-chairman-00700")]
    [InlineData("district:001", Roles.Verifier, "district-001")]
    [InlineData("province:08", Roles.Chairman, "chairman-08")]
    [InlineData("province:08", Roles.Verifier, "verifier-08")]
    [InlineData("coordination-office:08", Roles.CoordinationOffice, "coordination-office-08")]
    [InlineData("department:08/nong-nghiep-moi-truong", Roles.DepartmentReviewer, "department-08-nong-nghiep-moi-truong")]
    [InlineData("council:08", Roles.CouncilMember, "council-08")]
    [InlineData("council:08", Roles.CouncilSecretary, "council-secretary-08")]
    [InlineData("national:VN", Roles.Administrator, "administrator")]
    public void A_role_at_a_unit_is_one_candidate_group_and_the_group_names_it_back(string unitText, string role, string group)
    {
        Assert.True(UnitKey.TryParse(unitText, out var unit));
        Assert.Equal([group], CandidateGroups.Of(unit, role));
        if (group != "administrator")
        {
            Assert.Equal((unit, role), CandidateGroups.Parse(group));
        }
    }

    [Theory]
    [InlineData("commune:00700", Roles.CouncilMember)]
    [InlineData("council:08", Roles.CommuneOfficer)]
    [InlineData("department:08/noi-vu", Roles.Chairman)]
    public void A_role_that_does_not_fit_the_unit_is_refused(string unitText, string role)
    {
        Assert.True(UnitKey.TryParse(unitText, out var unit));
        Assert.False(CandidateGroups.Allows(unit, role));
        Assert.True(CandidateGroups.Allows(unit, Roles.Head));
    }

    [Theory]
    [InlineData("")]
    [InlineData("commune")]
    [InlineData("planet:03")]
    [InlineData("department:08")]
    [InlineData("commune:08/noi-vu")]
    public void A_unit_key_that_names_no_unit_is_not_read(string text) => Assert.False(UnitKey.TryParse(text, out _));

    [Fact]
    public void A_head_heads_every_group_of_the_unit()
    {
        Assert.Equal(["coordination-office-08"], CandidateGroups.HeadedBy(new UnitKey(UnitKey.CoordinationOffice, "08")));
        Assert.Null(CandidateGroups.Parse("reviewers"));
        Assert.Null(CandidateGroups.Parse("department-nong-nghiep"));
    }
}

/// <summary>Assigning roles on the real app (SQLite, demo data), and the recipient directory reading them.</summary>
public sealed class OrganisationServiceTests : IAsyncLifetime
{
    private readonly TemporaryDirectory _data = new();
    private NtmWorkflowAppFactory? _app;

    public Task InitializeAsync()
    {
        _app = new NtmWorkflowAppFactory(_data, new Dictionary<string, string?> { ["Workflows:BackgroundWorkers"] = "false" });
        _ = _app.Services;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    [Fact]
    public async Task Roles_are_assigned_only_at_units_that_exist_on_the_day_and_end_on_a_day()
    {
        await using var scope = _app!.Services.CreateAsyncScope();
        var organisation = scope.ServiceProvider.GetRequiredService<OrganisationService>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        Assert.True((await users.CreateAsync(new AppUser { UserName = "so.ld", FullName = "Cán bộ Sở LĐTBXH", Email = "so.ld@test.local" }, "NtmTest@2026")).Succeeded);

        // The Labour department merged into Home Affairs on 2025-07-01: a role there exists only before.
        var before = await organisation.AssignAsync("so.ld", "department:08/lao-dong-tbxh", Roles.DepartmentReviewer, new DateOnly(2025, 3, 1), "admin", CancellationToken.None);
        Assert.Contains("2025-08-01", (await Assert.ThrowsAsync<OrganisationException>(() =>
            organisation.AssignAsync("so.ld", "department:08/lao-dong-tbxh", Roles.DepartmentReviewer, new DateOnly(2025, 8, 1), "admin", CancellationToken.None))).Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<OrganisationException>(() => organisation.AssignAsync("so.ld", "commune:99999", Roles.CommuneOfficer, null, "admin", CancellationToken.None));
        await Assert.ThrowsAsync<OrganisationException>(() => organisation.AssignAsync("so.ld", "council:08", Roles.CommuneOfficer, null, "admin", CancellationToken.None));
        await Assert.ThrowsAsync<OrganisationException>(() => organisation.AssignAsync("so.ld", "department:08/noi-vu", "Mayor", null, "admin", CancellationToken.None));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => organisation.AssignAsync("nobody", "department:08/noi-vu", Roles.DepartmentReviewer, null, "admin", CancellationToken.None));

        await organisation.EndAsync("so.ld", before.Id, new DateOnly(2025, 6, 30), "admin", CancellationToken.None);
        await organisation.AssignAsync("so.ld", "department:08/noi-vu", Roles.DepartmentReviewer, new DateOnly(2025, 7, 1), "admin", CancellationToken.None);
        await Assert.ThrowsAsync<OrganisationException>(() => organisation.AssignAsync("so.ld", "department:08/noi-vu", Roles.DepartmentReviewer, null, "admin", CancellationToken.None));

        var june = await organisation.FindOfficialAsync("so.ld", new DateOnly(2025, 6, 15), CancellationToken.None);
        var today = await organisation.FindOfficialAsync("so.ld", null, CancellationToken.None);
        Assert.Equal(["department-08-lao-dong-tbxh"], june!.Groups);
        Assert.Equal(["department-08-noi-vu"], today!.Groups);
        Assert.True(await users.IsInRoleAsync((await users.FindByNameAsync("so.ld"))!, Roles.DepartmentReviewer));
    }

    [Fact]
    public async Task The_recipient_directory_finds_a_groups_members_and_heads_through_their_roles()
    {
        await using (var scope = _app!.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            Assert.True((await users.CreateAsync(new AppUser { UserName = "gd.noivu", FullName = "Giám đốc Sở Nội vụ", Email = "gd.noivu@test.local" }, "NtmTest@2026")).Succeeded);
            await scope.ServiceProvider.GetRequiredService<OrganisationService>().AssignAsync("gd.noivu", "department:08/noi-vu", Roles.Head, null, "admin", CancellationToken.None);
        }

        var directory = _app.Services.GetRequiredService<RecipientDirectory>();
        var task = new TaskView(Guid.NewGuid(), Guid.NewGuid(), "departmentReview", "Sở, ngành thẩm định", null, [], ["department-08-noi-vu"], null, null, 50, null,
            new Dictionary<string, string>(), DateTimeOffset.UtcNow, 0);
        Assert.Equal(["so.hoa@demo.ntmworkflow.local"], await directory.ResolveAsync("candidates", [task], CancellationToken.None));
        Assert.Equal(["gd.noivu@test.local"], await directory.ResolveAsync("head", [task], CancellationToken.None));
        Assert.Equal(["vpdp@demo.ntmworkflow.local"], await directory.ResolveAsync("coordination-office", [task], CancellationToken.None, provinceCode: "08"));
        Assert.Equal(["hd.hung@demo.ntmworkflow.local", "hd.minh@demo.ntmworkflow.local", "hd.nga@demo.ntmworkflow.local", "hd.son@demo.ntmworkflow.local"],
            (await directory.ResolveAsync("group:council-08", [], CancellationToken.None)).Order(StringComparer.Ordinal));
    }
}

using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web.Features.Accounts;

namespace NtmWorkflow.Web.Tests.Settings;

/// <summary>
/// /admin/settings/users and /admin/settings/users/{userName} on the demo data: the national administrator (admin), an
/// administrator of Tuyên Quang (qt.tq, province 08) and one of Hà Nội (qt.hn, 01). Every form is posted as a browser
/// does and the stored state is read back.
/// </summary>
public sealed class UsersPageTests : AppTestHost
{
    private static string Today => DateTimeOffset.UtcNow.VietnamDate().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    protected override async Task SeedAsync()
    {
        await CreateOfficialAsync("qt.tq", "province:08", Roles.Administrator);
        await CreateOfficialAsync("qt.hn", "province:01", Roles.Administrator);
    }

    /// <summary>Posts a form of the page and follows the redirect back to it; the page as it reads then.</summary>
    private static async Task<string> PostAndReadAsync(HttpClient client, string page, string handler, Dictionary<string, string> fields)
    {
        var response = await PageForms.PostFormAsync(client, page, $"{page}{(page.Contains('?', StringComparison.Ordinal) ? '&' : '?')}handler={handler}", fields);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{handler}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await client.GetStringAsync(response.Headers.Location!.OriginalString);
    }

    private Task<AppUser?> UserAsync(string userName) => QueryAsync(db => db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.UserName == userName));

    [Fact]
    public async Task The_list_shows_users_with_their_roles_today_searches_and_is_for_administrators_only()
    {
        using var admin = await SignedInAsync("admin");
        var page = await admin.GetStringAsync("/admin/settings/users");
        Assert.Contains("data-user=\"xa.lan\"", page, StringComparison.Ordinal);
        Assert.Contains("Xã Ngọc Đường", page, StringComparison.Ordinal);
        Assert.Contains("data-unit=\"commune:00700\"", page, StringComparison.Ordinal);

        // By a unit's code or name, by email; nothing else.
        var found = await admin.GetStringAsync("/admin/settings/users?q=00700");
        Assert.Contains("data-user=\"xa.lan\"", found, StringComparison.Ordinal);
        Assert.DoesNotContain("data-user=\"xa.binh\"", found, StringComparison.Ordinal);
        Assert.Contains("data-user=\"so.hoa\"", await admin.GetStringAsync("/admin/settings/users?q=so.hoa%40demo"), StringComparison.Ordinal);

        foreach (var official in new[] { "xa.lan", "hd.son", "vpdp" })
        {
            using var client = await SignedInAsync(official);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/admin/settings/users")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/admin/settings/users/xa.lan")).StatusCode);
        }

        using var anonymous = App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync("/admin/settings/users")).StatusCode);
    }

    [Fact]
    public async Task A_provincial_administrator_sees_and_manages_only_the_people_of_the_province()
    {
        using var hanoi = await SignedInAsync("qt.hn");
        var list = await hanoi.GetStringAsync("/admin/settings/users");
        Assert.DoesNotContain("data-user=\"xa.lan\"", list, StringComparison.Ordinal);
        Assert.Contains("data-user=\"qt.hn\"", list, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await hanoi.GetAsync("/admin/settings/users/xa.lan")).StatusCode);

        using var tuyenQuang = await SignedInAsync("qt.tq");
        Assert.Contains("data-user=\"xa.lan\"", await tuyenQuang.GetStringAsync("/admin/settings/users"), StringComparison.Ordinal);

        // The national administrator is out of a province's reach: seen (no, they hold no provincial role), never locked by it.
        Assert.Equal(HttpStatusCode.NotFound, (await tuyenQuang.GetAsync("/admin/settings/users/admin")).StatusCode);

        // A unit of another province is refused with a readable message; nothing is stored.
        var page = await PostAndReadAsync(tuyenQuang, "/admin/settings/users/xa.lan", "Assign", new() { ["unit"] = "commune:00376", ["role"] = Roles.CommuneOfficer, ["from"] = Today });
        Assert.Contains("Đơn vị này không thuộc tỉnh mà đồng chí quản trị.", page, StringComparison.Ordinal);
        Assert.False(await QueryAsync(db => db.RoleAssignments.AnyAsync(a => a.UnitKey == "commune:00376" && a.CreatedBy == "qt.tq")));

        // A unit of the province is given.
        page = await PostAndReadAsync(tuyenQuang, "/admin/settings/users/xa.lan", "Assign", new() { ["unit"] = "commune:00706", ["role"] = Roles.CommuneOfficer, ["from"] = Today });
        Assert.Contains("Đã giao vai trò.", page, StringComparison.Ordinal);
        Assert.True(await QueryAsync(db => db.RoleAssignments.AnyAsync(a => a.UnitKey == "commune:00706" && a.Role == Roles.CommuneOfficer && a.CreatedBy == "qt.tq")));
    }

    [Fact]
    public async Task An_account_is_created_with_the_password_policy_and_readable_refusals()
    {
        using var admin = await SignedInAsync("admin");
        var fields = new Dictionary<string, string> { ["userName"] = "xa.moi", ["fullName"] = "Đặng Văn Mới", ["email"] = "xa.moi@ubnd.test", ["password"] = "NtmDemo@2026" };
        var created = await PageForms.PostFormAsync(admin, "/admin/settings/users", "/admin/settings/users?handler=Create", fields);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal("/admin/settings/users/xa.moi", created.Headers.Location!.OriginalString);
        var page = await admin.GetStringAsync("/admin/settings/users/xa.moi");
        Assert.Contains("Đã tạo tài khoản.", page, StringComparison.Ordinal);
        Assert.Contains("id=\"no-assignments\"", page, StringComparison.Ordinal);
        var user = (await UserAsync("xa.moi"))!;
        Assert.Equal(("Đặng Văn Mới", "xa.moi@ubnd.test", false), (user.FullName, user.Email, user.DigestOptOut));
        Assert.True(await QueryAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "user.created" && a.Subject == "user/xa.moi" && a.Actor == "admin")));

        // The new account signs in with its initial password.
        using (var newcomer = App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false }))
        {
            Assert.Equal(HttpStatusCode.Redirect, (await PageForms.SignInAsync(newcomer, "xa.moi")).StatusCode);
        }

        // A taken user name, a taken address and a weak password: refused, explained, the form kept, nothing stored.
        var audits = await QueryAsync(db => db.AuditEntries.CountAsync());
        var refused = await PageForms.PostFormAsync(admin, "/admin/settings/users", "/admin/settings/users?handler=Create",
            new Dictionary<string, string> { ["userName"] = "xa.lan", ["fullName"] = "Ai đó", ["email"] = "", ["password"] = "NtmDemo@2026" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var text = await refused.Content.ReadAsStringAsync();
        Assert.Contains("Tên đăng nhập này đã có người dùng.", text, StringComparison.Ordinal);
        Assert.Contains("value=\"Ai đó\"", text, StringComparison.Ordinal);

        refused = await PageForms.PostFormAsync(admin, "/admin/settings/users", "/admin/settings/users?handler=Create",
            new Dictionary<string, string> { ["userName"] = "xa.khac", ["fullName"] = "Ai đó", ["email"] = "xa.moi@ubnd.test", ["password"] = "NtmDemo@2026" });
        Assert.Contains("Địa chỉ email này đã là của một tài khoản khác.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        refused = await PageForms.PostFormAsync(admin, "/admin/settings/users", "/admin/settings/users?handler=Create",
            new Dictionary<string, string> { ["userName"] = "xa.yeu", ["fullName"] = "Mật Khẩu Yếu", ["email"] = "", ["password"] = "abc" });
        text = await refused.Content.ReadAsStringAsync();
        Assert.Contains("Mật khẩu phải có ít nhất 12 ký tự.", text, StringComparison.Ordinal);
        Assert.Contains("Mật khẩu phải có ít nhất một chữ số.", text, StringComparison.Ordinal);
        Assert.Null(await UserAsync("xa.yeu"));
        Assert.Null(await UserAsync("xa.khac"));
        Assert.Equal(audits, await QueryAsync(db => db.AuditEntries.CountAsync()));
    }

    [Fact]
    public async Task The_user_page_shows_assignments_and_groups_assigns_refuses_and_ends_a_role()
    {
        using var admin = await SignedInAsync("admin");
        var page = await admin.GetStringAsync("/admin/settings/users/xa.lan");
        Assert.Contains("data-unit=\"commune:00700\" data-role=\"CommuneOfficer\"", page, StringComparison.Ordinal);
        Assert.Contains("<code>commune-00700</code>", page, StringComparison.Ordinal);

        // The picker offers the province's units: its communes, departments, council and coordination office.
        var picker = await admin.GetStringAsync("/admin/settings/users/xa.lan?province=08");
        Assert.Contains("<option value=\"commune:00706\">", picker, StringComparison.Ordinal);
        Assert.Contains("<option value=\"department:08/noi-vu\">", picker, StringComparison.Ordinal);
        Assert.Contains("<option value=\"council:08\">", picker, StringComparison.Ordinal);

        // A role that does not fit the unit is refused with the organisation's reason.
        page = await PostAndReadAsync(admin, "/admin/settings/users/xa.lan", "Assign", new() { ["unit"] = "department:08/noi-vu", ["role"] = Roles.Chairman, ["from"] = Today });
        Assert.Contains("cannot be held at a department", page, StringComparison.Ordinal);

        page = await PostAndReadAsync(admin, "/admin/settings/users/xa.lan", "Assign", new() { ["unit"] = "department:08/noi-vu", ["role"] = Roles.DepartmentReviewer, ["from"] = Today });
        Assert.Contains("Đã giao vai trò.", page, StringComparison.Ordinal);
        Assert.Contains("<code>department-08-noi-vu</code>", page, StringComparison.Ordinal);
        var row = await QueryAsync(db => db.RoleAssignments.AsNoTracking().SingleAsync(a => a.UnitKey == "department:08/noi-vu" && a.CreatedBy == "admin"));
        Assert.Equal((Roles.DepartmentReviewer, Today, (DateOnly?)null), (row.Role, row.ValidFrom.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), row.ValidTo));

        // Ended on a day: kept, with its last day.
        var lastDay = DateTimeOffset.UtcNow.VietnamDate().AddDays(10);
        page = await PostAndReadAsync(admin, "/admin/settings/users/xa.lan", "End", new() { ["assignmentId"] = row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ["lastDay"] = lastDay.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Contains("Đã kết thúc vai trò.", page, StringComparison.Ordinal);
        Assert.Equal(lastDay, (await QueryAsync(db => db.RoleAssignments.AsNoTracking().SingleAsync(a => a.Id == row.Id))).ValidTo);
        Assert.True(await QueryAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "role.ended" && a.Subject == "user/xa.lan")));
    }

    [Fact]
    public async Task Locking_stops_sign_in_until_unlocked_and_the_digest_can_be_turned_off_for_a_user()
    {
        using var admin = await SignedInAsync("admin");
        var page = await PostAndReadAsync(admin, "/admin/settings/users/xa.binh", "Lock", []);
        Assert.Contains("Đã khóa tài khoản.", page, StringComparison.Ordinal);
        Assert.Contains("data-locked=\"true\"", page, StringComparison.Ordinal);
        Assert.True((await UserAsync("xa.binh"))!.LockoutEnd > DateTimeOffset.UtcNow.AddYears(100));
        using (var binh = App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false }))
        {
            Assert.Equal(HttpStatusCode.OK, (await PageForms.SignInAsync(binh, "xa.binh")).StatusCode); // the form again, with the lockout message
        }

        await PostAndReadAsync(admin, "/admin/settings/users/xa.binh", "Unlock", []);
        Assert.Null((await UserAsync("xa.binh"))!.LockoutEnd);
        using (var binh = App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false }))
        {
            Assert.Equal(HttpStatusCode.Redirect, (await PageForms.SignInAsync(binh, "xa.binh")).StatusCode);
        }

        Assert.Equal(["user.locked", "user.unlocked"], await QueryAsync(db => db.AuditEntries.Where(a => a.Subject == "user/xa.binh" && a.Action.StartsWith("user."))
            .OrderBy(a => a.Sequence).Select(a => a.Action).ToListAsync()));

        // An administrator does not lock themselves out.
        page = await PostAndReadAsync(admin, "/admin/settings/users/admin", "Lock", []);
        Assert.Contains("Không thể tự khóa tài khoản của mình.", page, StringComparison.Ordinal);
        Assert.Null((await UserAsync("admin"))!.LockoutEnd);

        page = await PostAndReadAsync(admin, "/admin/settings/users/xa.binh", "Digest", new() { ["receive"] = "false" });
        Assert.Contains("data-opt-out=\"true\"", page, StringComparison.Ordinal);
        Assert.True((await UserAsync("xa.binh"))!.DigestOptOut);
    }

    [Fact]
    public async Task A_provincial_administrator_cannot_lock_someone_who_also_holds_a_role_elsewhere()
    {
        await using (var scope = App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Features.Organisation.OrganisationService>()
                .AssignAsync("xa.sinh", "commune:00376", Roles.CommuneOfficer, new DateOnly(2025, 7, 1), "admin", CancellationToken.None);
        }

        using var tuyenQuang = await SignedInAsync("qt.tq");
        var page = await tuyenQuang.GetStringAsync("/admin/settings/users/xa.sinh");
        Assert.Contains("id=\"not-manageable\"", page, StringComparison.Ordinal);
        page = await PostAndReadAsync(tuyenQuang, "/admin/settings/users/xa.sinh", "Lock", []);
        Assert.Contains("Người này còn giữ vai trò ở ngoài tỉnh mà đồng chí quản trị.", page, StringComparison.Ordinal);
        Assert.Null((await UserAsync("xa.sinh"))!.LockoutEnd);

        // Its Tuyên Quang role it may end; the Hà Nội one not.
        var hanoi = await QueryAsync(db => db.RoleAssignments.AsNoTracking().SingleAsync(a => a.UnitKey == "commune:00376" && a.Role == Roles.CommuneOfficer
            && db.Users.Any(u => u.Id == a.UserId && u.UserName == "xa.sinh")));
        page = await PostAndReadAsync(tuyenQuang, "/admin/settings/users/xa.sinh", "End", new() { ["assignmentId"] = hanoi.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ["lastDay"] = Today });
        Assert.Contains("Đơn vị này không thuộc tỉnh mà đồng chí quản trị.", page, StringComparison.Ordinal);
        Assert.Null((await QueryAsync(db => db.RoleAssignments.AsNoTracking().SingleAsync(a => a.Id == hanoi.Id))).ValidTo);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Tests.Criteria;

/// <summary>The catalogue through the API: reads, audited writes, and refusals that store nothing; on each provider.</summary>
public abstract class CriteriaApiTests : AppTestHost
{
    private const string Set2026 = "xa-ntm-2026-2030";

    /// <summary>A write acting for an administrator unless told otherwise.</summary>
    private Task<HttpResponseMessage> Write(HttpMethod method, string url, object? body, string? actor = "admin") => SendAsync(actor, method, url, body);

    private async Task<int> AuditCountAsync(string action)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().AuditEntries.CountAsync(a => a.Action == action);
    }

    private async Task<JsonElement> IndicatorAsync(string set, string number) =>
        (await Client.GetFromJsonAsync<JsonElement>($"/api/criteria-sets/{set}")).GetProperty("criteria").EnumerateArray()
        .SelectMany(c => c.GetProperty("indicators").EnumerateArray()).Single(i => i.GetProperty("number").GetString() == number);

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string expected)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sets_kinds_and_scopes_are_listed()
    {
        var sets = await Client.GetFromJsonAsync<JsonElement>("/api/criteria-sets");
        var ntm = sets.EnumerateArray().Single(s => s.GetProperty("code").GetString() == "xa-ntm-2021-2025");
        Assert.Equal((19, 58, false, "Commune", "Ntm"), (ntm.GetProperty("criteriaCount").GetInt32(), ntm.GetProperty("indicatorCount").GetInt32(),
            ntm.GetProperty("verified").GetBoolean(), ntm.GetProperty("subject").GetString(), ntm.GetProperty("tier").GetString()));

        var set = await Client.GetFromJsonAsync<JsonElement>("/api/criteria-sets/xa-ntm-2021-2025");
        var criterion11 = set.GetProperty("criteria").EnumerateArray().Single(c => c.GetProperty("number").GetInt32() == 11);
        var poverty = Assert.Single(criterion11.GetProperty("indicators").EnumerateArray());
        Assert.Equal(("AtMost", "Percent", false), (poverty.GetProperty("direction").GetString(), poverty.GetProperty("kind").GetString(), poverty.GetProperty("verified").GetBoolean()));
        Assert.Equal(0, poverty.GetProperty("thresholds").GetArrayLength());

        await AssertProblemAsync(await Client.GetAsync("/api/criteria-sets/khong-co"), HttpStatusCode.NotFound, "khong-co");

        var kinds = await Client.GetFromJsonAsync<JsonElement>("/api/department-kinds");
        var labour = kinds.EnumerateArray().Single(k => k.GetProperty("code").GetString() == "lao-dong-tbxh");
        Assert.Equal(("noi-vu", "2025-06-30"), (labour.GetProperty("successorCode").GetString(), labour.GetProperty("validTo").GetString()));

        var scopes = await Client.GetFromJsonAsync<JsonElement>("/api/threshold-scopes");
        Assert.Equal(7, scopes.EnumerateArray().Count(s => s.GetProperty("basis").GetString() == "region"));
        Assert.Equal(["nhom-1", "nhom-2", "nhom-3"], scopes.EnumerateArray().Where(s => s.GetProperty("basis").GetString() == "commune-group").Select(s => s.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task An_indicator_is_added_given_a_threshold_and_every_change_is_audited()
    {
        var added = await Write(HttpMethod.Post, $"/api/criteria-sets/{Set2026}/indicators",
            new { number = "2.1", name = "Tỷ lệ đường xã được cứng hóa", kind = "Percent", defaultDepartmentKind = "xay-dung" });
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Equal(1, await AuditCountAsync("criteria.indicator.add"));

        var threshold = await Write(HttpMethod.Put, $"/api/criteria-sets/{Set2026}/indicators/2.1/thresholds/nhom-1",
            new { value = 100, source = "QĐ 51/2025/QĐ-TTg, Phụ lục I" });
        Assert.Equal(HttpStatusCode.OK, threshold.StatusCode);
        var edited = await Write(HttpMethod.Put, $"/api/criteria-sets/{Set2026}/indicators/2.1", new { verified = true });
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var renamed = await Write(HttpMethod.Put, $"/api/criteria-sets/{Set2026}/criteria/2", new { name = "Hạ tầng kinh tế - xã hội (đã đối chiếu)", verified = true });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);

        var stored = await IndicatorAsync(Set2026, "2.1");
        Assert.True(stored.GetProperty("verified").GetBoolean());
        var only = Assert.Single(stored.GetProperty("thresholds").EnumerateArray());
        Assert.Equal(("nhom-1", 100m), (only.GetProperty("scope").GetString(), only.GetProperty("value").GetDecimal()));

        Assert.Equal(1, await AuditCountAsync("criteria.threshold.set"));
        Assert.Equal(1, await AuditCountAsync("criteria.indicator.update"));
        Assert.Equal(1, await AuditCountAsync("criteria.criterion.update"));

        Assert.Equal(HttpStatusCode.NoContent, (await Write(HttpMethod.Delete, $"/api/criteria-sets/{Set2026}/indicators/2.1/thresholds/nhom-1", null)).StatusCode);
        Assert.Equal(1, await AuditCountAsync("criteria.threshold.remove"));
        await AssertProblemAsync(await Write(HttpMethod.Delete, $"/api/criteria-sets/{Set2026}/indicators/2.1/thresholds/nhom-1", null), HttpStatusCode.NotFound, "no threshold");

        var owner = await Write(HttpMethod.Put, $"/api/provinces/01/indicator-owners/{Set2026}/2.1",
            new { departmentKind = "tai-chinh", validFrom = "2026-03-01", source = "QĐ 10/QĐ-UBND" });
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
        Assert.Equal(1, await AuditCountAsync("criteria.ownership.set"));
        var owners = await Client.GetFromJsonAsync<JsonElement>($"/api/provinces/01/indicator-owners?set={Set2026}&on=2026-03-02");
        var row = Assert.Single(owners.GetProperty("indicators").EnumerateArray());
        Assert.Equal(("tai-chinh", "province", 2), (row.GetProperty("departmentKind").GetString(), row.GetProperty("origin").GetString(), row.GetProperty("criterion").GetInt32()));
        var before = Assert.Single((await Client.GetFromJsonAsync<JsonElement>($"/api/provinces/01/indicator-owners?set={Set2026}&on=2026-02-28")).GetProperty("indicators").EnumerateArray());
        Assert.Equal(("xay-dung", "default"), (before.GetProperty("departmentKind").GetString(), before.GetProperty("origin").GetString()));
    }

    [Fact]
    public async Task Owners_through_the_merger_are_reported_with_their_origin()
    {
        var owners = await Client.GetFromJsonAsync<JsonElement>("/api/provinces/79/indicator-owners?set=xa-ntm-2021-2025&on=2025-09-01");
        var all = owners.GetProperty("indicators").EnumerateArray().ToList();
        Assert.Equal(58, all.Count);
        var poverty = all.Single(i => i.GetProperty("number").GetString() == "11");
        Assert.Equal(("noi-vu", "lao-dong-tbxh", "default"), (poverty.GetProperty("departmentKind").GetString(), poverty.GetProperty("assignedKind").GetString(), poverty.GetProperty("origin").GetString()));

        await AssertProblemAsync(await Client.GetAsync("/api/provinces/79/indicator-owners?set=xa-ntm-2021-2025&on=01-09-2025"), HttpStatusCode.BadRequest, "yyyy-MM-dd");
        await AssertProblemAsync(await Client.GetAsync("/api/provinces/79/indicator-owners?on=2025-09-01"), HttpStatusCode.BadRequest, "set");
        await AssertProblemAsync(await Client.GetAsync("/api/provinces/79/indicator-owners?set=khong-co"), HttpStatusCode.NotFound, "khong-co");
    }

    [Fact]
    public async Task Bad_writes_get_a_problem_and_store_nothing()
    {
        var before = await Client.GetStringAsync($"/api/criteria-sets/{Set2026}");
        await using (var scope = App.Services.CreateAsyncScope())
        {
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<AppDbContext>().AuditEntries.CountAsync(a => a.Action.StartsWith("criteria.")));
        }

        await AssertProblemAsync(await Write(HttpMethod.Post, $"/api/criteria-sets/{Set2026}/indicators",
            new { number = "3.1", name = "Không người thực hiện", kind = "YesNo", defaultDepartmentKind = "y-te" }, actor: null), HttpStatusCode.Unauthorized, "X-Acting-User");
        await AssertProblemAsync(await Write(HttpMethod.Post, $"/api/criteria-sets/{Set2026}/indicators",
            new { number = "3.1", name = "Không phải quản trị", kind = "YesNo", defaultDepartmentKind = "y-te" }, actor: "xa.lan"), HttpStatusCode.Forbidden, "xa.lan");
        await AssertProblemAsync(await Write(HttpMethod.Post, "/api/criteria-sets/khong-co/indicators",
            new { number = "3.1", name = "Bộ không có", kind = "YesNo", defaultDepartmentKind = "y-te" }), HttpStatusCode.NotFound, "khong-co");
        await AssertProblemAsync(await Write(HttpMethod.Post, $"/api/criteria-sets/{Set2026}/indicators",
            new { number = "3.1", name = "Sở không có", kind = "YesNo", defaultDepartmentKind = "so-khong-co" }), HttpStatusCode.BadRequest, "so-khong-co");
        await AssertProblemAsync(await Write(HttpMethod.Post, $"/api/criteria-sets/{Set2026}/criteria", new { number = 3, name = "Trùng" }), HttpStatusCode.Conflict, "criterion 3");
        await AssertProblemAsync(await Write(HttpMethod.Put, "/api/criteria-sets/xa-ntm-2021-2025/indicators/11/thresholds/nhom-1",
            new { value = 1.5, source = "Phụ lục" }), HttpStatusCode.BadRequest, "dong-bang-song-hong");
        await AssertProblemAsync(await Write(HttpMethod.Put, $"/api/criteria-sets/{Set2026}/indicators/9.9", new { name = "Không có" }), HttpStatusCode.NotFound, "9.9");
        await AssertProblemAsync(await Write(HttpMethod.Put, "/api/provinces/99/indicator-owners/xa-ntm-2021-2025/11",
            new { departmentKind = "noi-vu", validFrom = "2025-07-01", source = "QĐ" }), HttpStatusCode.NotFound, "province");
        Assert.Equal(before, await Client.GetStringAsync($"/api/criteria-sets/{Set2026}"));

        // A duplicate number is a conflict; the first one stays as it was.
        Assert.Equal(HttpStatusCode.OK, (await Write(HttpMethod.Post, $"/api/criteria-sets/{Set2026}/indicators",
            new { number = "3.1", name = "Có hợp tác xã hoạt động hiệu quả", kind = "YesNo", defaultDepartmentKind = "nong-nghiep-moi-truong" })).StatusCode);
        await AssertProblemAsync(await Write(HttpMethod.Post, $"/api/criteria-sets/{Set2026}/indicators",
            new { number = "3.1", name = "Trùng", kind = "Percent", defaultDepartmentKind = "y-te" }), HttpStatusCode.Conflict, "3.1");
        Assert.Equal("Có hợp tác xã hoạt động hiệu quả", (await IndicatorAsync(Set2026, "3.1")).GetProperty("name").GetString());

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var audit = await scope.ServiceProvider.GetRequiredService<AppDbContext>().AuditEntries.Where(a => a.Action.StartsWith("criteria.")).ToListAsync();
            var only = Assert.Single(audit);
            Assert.Equal(("admin", "criteria.indicator.add", $"criteria-set/{Set2026}/indicator/3.1"), (only.Actor, only.Action, only.Subject));
        }
    }
}

public sealed class CriteriaApiTests_Sqlite : CriteriaApiTests;

/// <summary>One fresh database per test: the tests count audit entries.</summary>
[Trait("Db", "Postgres")]
public sealed class CriteriaApiTests_Postgres : CriteriaApiTests
{
    protected override bool OnPostgres => true;
}

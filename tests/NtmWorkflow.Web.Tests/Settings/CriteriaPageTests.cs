using System.Net;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Web.Features.Accounts;

namespace NtmWorkflow.Web.Tests.Settings;

/// <summary>
/// /admin/settings/criteria and /admin/settings/criteria/{code}: the national administrator edits thresholds and verified
/// flags; the administrator of Tuyên Quang (qt.tq, 08) assigns the province's indicators to departments from a date.
/// </summary>
public sealed class CriteriaPageTests : AppTestHost
{
    private const string Set = "/admin/settings/criteria/xa-ntm-2021-2025";

    protected override Task SeedAsync() => CreateOfficialAsync("qt.tq", "province:08", Roles.Administrator);

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string page, string handler, Dictionary<string, string> fields) =>
        await PageForms.PostFormAsync(client, page, $"{page}{(page.Contains('?', StringComparison.Ordinal) ? '&' : '?')}handler={handler}", fields);

    private static async Task<string> PostAndReadAsync(HttpClient client, string page, string handler, Dictionary<string, string> fields)
    {
        var response = await PostAsync(client, page, handler, fields);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{handler}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await client.GetStringAsync(response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task The_sets_are_listed_for_administrators_and_the_national_one_marks_a_set_verified()
    {
        using var admin = await SignedInAsync("admin");
        var page = await admin.GetStringAsync("/admin/settings/criteria");
        Assert.Contains("data-set=\"xa-ntm-2021-2025\"", page, StringComparison.Ordinal);
        Assert.Contains("data-set=\"xa-ntm-2026-2030\"", page, StringComparison.Ordinal);

        var before = await QueryAsync(db => db.CriteriaSets.Where(s => s.Code == "xa-ntm-2026-2030").Select(s => s.Verified).SingleAsync());
        page = await PostAndReadAsync(admin, "/admin/settings/criteria", "Verified", new() { ["code"] = "xa-ntm-2026-2030", ["verified"] = before ? "false" : "true" });
        Assert.Contains(before ? "Đã bỏ đánh dấu đối chiếu" : "Đã đánh dấu bộ tiêu chí là đã đối chiếu.", page, StringComparison.Ordinal);
        Assert.Equal(!before, await QueryAsync(db => db.CriteriaSets.Where(s => s.Code == "xa-ntm-2026-2030").Select(s => s.Verified).SingleAsync()));

        // A provincial administrator reads them but does not edit the national catalogue.
        using var province = await SignedInAsync("qt.tq");
        Assert.DoesNotContain("data-action=\"verify\"", await province.GetStringAsync("/admin/settings/criteria"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(province, "/admin/settings/criteria", "Verified", new() { ["code"] = "xa-ntm-2026-2030", ["verified"] = "true" })).StatusCode);

        using var lan = await SignedInAsync("xa.lan");
        Assert.Equal(HttpStatusCode.Forbidden, (await lan.GetAsync("/admin/settings/criteria")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await lan.GetAsync(Set)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/admin/settings/criteria/no-such-set")).StatusCode);
    }

    [Fact]
    public async Task A_threshold_is_set_for_a_scope_and_refused_readably_when_wrong()
    {
        using var admin = await SignedInAsync("admin");
        var page = await admin.GetStringAsync(Set);
        Assert.Contains("data-indicator=\"2.1\"", page, StringComparison.Ordinal);

        page = await PostAndReadAsync(admin, Set, "Threshold", new()
        {
            ["indicator"] = "2.1", ["scope"] = "dong-bang-song-hong", ["value"] = "87,5", ["source"] = "QĐ 318/QĐ-TTg, phụ lục", ["verified"] = "true",
        });
        Assert.Contains("Đã lưu ngưỡng.", page, StringComparison.Ordinal);
        Assert.Contains("data-scope=\"dong-bang-song-hong\" data-value=\"87.5\" data-threshold-verified=\"true\"", page, StringComparison.Ordinal);
        var stored = await QueryAsync(db => db.IndicatorThresholds.AsNoTracking()
            .SingleAsync(t => t.Scope == "dong-bang-song-hong" && db.Indicators.Any(i => i.Id == t.IndicatorId && i.Number == "2.1")));
        Assert.Equal((87.5m, "QĐ 318/QĐ-TTg, phụ lục", true), (stored.Value, stored.Source, stored.Verified));
        Assert.True(await QueryAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "criteria.threshold.set" && a.Actor == "admin")));

        // The edit link opens the form on the indicator and scope, with the stored values.
        var form = await admin.GetStringAsync($"{Set}?indicator=2.1&scope=dong-bang-song-hong");
        Assert.Contains("value=\"87.5\"", form, StringComparison.Ordinal);

        // A percentage over 100, or a commune group on a set that varies by region: refused, nothing changed.
        page = await PostAndReadAsync(admin, Set, "Threshold", new() { ["indicator"] = "2.1", ["scope"] = "dong-bang-song-hong", ["value"] = "150", ["source"] = "x" });
        Assert.Contains("value is a percentage from 0 to 100.", page, StringComparison.Ordinal);
        page = await PostAndReadAsync(admin, Set, "Threshold", new() { ["indicator"] = "2.1", ["scope"] = "nhom-1", ["value"] = "50", ["source"] = "x" });
        Assert.Contains("the scope is one of", page, StringComparison.Ordinal);
        Assert.Equal(87.5m, (await QueryAsync(db => db.IndicatorThresholds.AsNoTracking().SingleAsync(t => t.Id == stored.Id))).Value);
        Assert.False(await QueryAsync(db => db.IndicatorThresholds.AnyAsync(t => t.Scope == "nhom-1")));

        // The indicator checked against the text.
        var verified = await QueryAsync(db => db.Indicators.Where(i => i.Number == "2.1" && i.Criterion.CriteriaSetId == db.CriteriaSets.Single(s => s.Code == "xa-ntm-2021-2025").Id)
            .Select(i => i.Verified).SingleAsync());
        page = await PostAndReadAsync(admin, Set, "IndicatorVerified", new() { ["indicator"] = "2.1", ["verified"] = verified ? "false" : "true" });
        Assert.Contains($"data-indicator=\"2.1\" data-verified=\"{(!verified ? "true" : "false")}\"", page, StringComparison.Ordinal);

        // Thresholds are national: a provincial administrator is refused.
        using var province = await SignedInAsync("qt.tq");
        Assert.Contains("id=\"national-only\"", await province.GetStringAsync(Set), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(province, Set, "Threshold", new() { ["indicator"] = "2.1", ["scope"] = "*", ["value"] = "1", ["source"] = "x" })).StatusCode);
    }

    [Fact]
    public async Task A_province_assigns_an_indicator_to_a_department_from_a_date_and_sees_the_owner_on_each_day()
    {
        using var province = await SignedInAsync("qt.tq");
        var page = await province.GetStringAsync($"{Set}?province=08&on=2026-03-01");
        Assert.Contains("data-indicator=\"1.1\" data-verified", page, StringComparison.Ordinal);
        Assert.Contains("id=\"owner-form\"", page, StringComparison.Ordinal);

        page = await PostAndReadAsync(province, $"{Set}?province=08&on=2026-03-01", "Owner",
            new() { ["indicator"] = "1.1", ["departmentKind"] = "noi-vu", ["validFrom"] = "2026-02-01", ["source"] = "QĐ 12/QĐ-UBND tỉnh Tuyên Quang" });
        Assert.Contains("Đã giao chỉ tiêu cho sở, ngành.", page, StringComparison.Ordinal);
        var row = await QueryAsync(db => db.IndicatorOwnerships.AsNoTracking().SingleAsync(o => o.ProvinceCode == "08"));
        Assert.Equal(("noi-vu", new DateOnly(2026, 2, 1), (DateOnly?)null, "qt.tq"), (row.DepartmentKind, row.ValidFrom, row.ValidTo, row.UpdatedBy));

        // On a day after: the province's department; before: the default (construction).
        Assert.Matches("data-indicator=\"1.1\" data-verified=\"(true|false)\" data-owner=\"noi-vu\"", await province.GetStringAsync($"{Set}?province=08&on=2026-03-01"));
        Assert.Matches("data-indicator=\"1.1\" data-verified=\"(true|false)\" data-owner=\"xay-dung\"", await province.GetStringAsync($"{Set}?province=08&on=2026-01-15"));

        // A department kind that ended before the day is refused with its successor named.
        page = await PostAndReadAsync(province, $"{Set}?province=08", "Owner",
            new() { ["indicator"] = "1.2", ["departmentKind"] = "giao-thong-van-tai", ["validFrom"] = "2026-02-01", ["source"] = "x" });
        Assert.Contains("does not exist on 2026-02-01", page, StringComparison.Ordinal);
        Assert.Equal(1, await QueryAsync(db => db.IndicatorOwnerships.CountAsync()));

        // Another province's ownership is not Tuyên Quang's administrator's to change.
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(province, $"{Set}?province=01", "Owner",
            new() { ["indicator"] = "1.1", ["departmentKind"] = "noi-vu", ["validFrom"] = "2026-02-01", ["source"] = "x" })).StatusCode);
    }
}

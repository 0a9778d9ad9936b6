using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.LegalParameters;
using NtmWorkflow.Web.Pages.Admin.Settings;

namespace NtmWorkflow.Web.Tests.Settings;

/// <summary>
/// Tham số pháp lý as Chị Mai uses it: every parameter with value, unit, source, verified flag and the processes that
/// read it, unverified ones marked; the national value edited (stored, audited, and the next task's deadline counts
/// with it); refusals shown on the form with what was typed and nothing stored; a province's own value set and cleared
/// by the province's administrator, who cannot touch the national values or another province's.
/// </summary>
public sealed class LegalParameterPageTests : SettingsTestHost
{
    private const string Page = "/admin/settings/parameters";

    private Task<LegalParameterRow?> RowAsync(string name, string province = LegalParameterRow.National) =>
        QueryAsync(db => db.LegalParameters.AsNoTracking().SingleOrDefaultAsync(p => p.Name == name && p.ProvinceCode == province));

    private Task<List<string>> AuditAsync(string action) =>
        QueryAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Action == action).OrderBy(a => a.Sequence).Select(a => a.Actor + " " + a.Subject).ToListAsync());

    [Fact]
    public async Task The_page_lists_every_parameter_with_its_provenance_and_marks_the_unverified()
    {
        using var mai = await SignedInAsync("admin");
        var page = await PageAsync(mai, Page);
        var national = await QueryAsync(db => db.LegalParameters.AsNoTracking().Where(p => p.ProvinceCode == LegalParameterRow.National).ToListAsync());
        Assert.True(national.Count >= 30);
        foreach (var parameter in national)
        {
            Assert.Contains($"<tr id=\"param-{parameter.Name}\" data-name=\"{parameter.Name}\" data-verified=\"{(parameter.Verified ? "true" : "false")}\"", page, StringComparison.Ordinal);
            Assert.Contains(Html(parameter.Source), page, StringComparison.Ordinal);
            Assert.Contains($"id=\"national-value-{parameter.Name}\"", page, StringComparison.Ordinal);
        }

        var intake = Row(page, "intake.workingDays");
        Assert.Contains("data-value=\"3\">3</span> <span class=\"unit\">ngày làm việc</span>", intake, StringComparison.Ordinal);
        Assert.Contains("Văn phòng Điều phối tiếp nhận, kiểm tra tính đầy đủ của hồ sơ", intake, StringComparison.Ordinal);
        Assert.Contains("⚠ Chưa xác minh", intake, StringComparison.Ordinal);
        Assert.Contains("Dùng trong: ntm-commune, ntm-commune-two-tier", intake, StringComparison.Ordinal);
        Assert.Contains("✓ Đã xác minh", Row(page, "reminder.workingDaysBefore"), StringComparison.Ordinal);
        Assert.Contains("<option value=\"false\" selected=\"selected\">Không</option>", Row(page, "council.abstentionAllowed"), StringComparison.Ordinal);
        Assert.Contains("{&quot;numerator&quot;:2,&quot;denominator&quot;:3,&quot;strict&quot;:false,&quot;base&quot;:&quot;membersInForce&quot;}", Row(page, "council.quorum"),
            StringComparison.Ordinal);
        Assert.Contains("value=\"10, 17, 19\"", Row(page, "revocation.keyCriteria"), StringComparison.Ordinal);
        Assert.DoesNotContain("province-form-", page, StringComparison.Ordinal); // no province chosen

        // With a province chosen, its column and forms appear.
        var withProvince = await PageAsync(mai, $"{Page}?province=08");
        Assert.Contains("id=\"province-form-intake.workingDays\"", withProvince, StringComparison.Ordinal);
        Assert.Contains("Dùng giá trị toàn quốc", Row(withProvince, "intake.workingDays"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_national_value_is_edited_audited_and_counts_the_next_tasks_deadline()
    {
        using var mai = await SignedInAsync("admin");
        Assert.Equal("20", (await RowAsync("selfAssessment.workingDays"))!.Value);
        var before = await SelfAssessmentDueAsync("xa.lan", "00700");

        var saved = await PostAsync(mai, Page, $"{Page}?handler=National", ("name", "selfAssessment.workingDays"), ("value", "25"),
            ("source", "QĐ 18/2022/QĐ-TTg, Điều 7 khoản 1"), ("verified", "true"), ("description", "Xã tự đánh giá, hoàn thiện hồ sơ đề nghị"));
        Assert.Equal("/admin/settings/parameters#param-selfAssessment.workingDays", saved.Headers.Location!.OriginalString);
        var page = await FollowAsync(mai, saved);
        Assert.Contains("Đã lưu giá trị toàn quốc của selfAssessment.workingDays.", page, StringComparison.Ordinal);
        var row = Row(page, "selfAssessment.workingDays");
        Assert.Contains("data-verified=\"true\"", row, StringComparison.Ordinal);
        Assert.Contains("data-value=\"25\"", row, StringComparison.Ordinal);

        var stored = (await RowAsync("selfAssessment.workingDays"))!;
        Assert.Equal(("25", "QĐ 18/2022/QĐ-TTg, Điều 7 khoản 1", true, "admin"), (stored.Value, stored.Source, stored.Verified, stored.UpdatedBy));
        Assert.Equal(["admin selfAssessment.workingDays@national"], await AuditAsync("legal-parameter.set"));

        // A dossier opened now gets the self-assessment 25 working days ahead, the earlier one kept its 20.
        var after = await SelfAssessmentDueAsync("xa.binh", "00706");
        var calendar = App.Services.GetRequiredService<WorkingCalendar>();
        Assert.True(Math.Abs((after - calendar.AddWorkingDays(before, 5)).TotalMinutes) < 5, $"{before:O} + 5 working days ≠ {after:O}");
    }

    [Fact]
    public async Task A_refused_value_is_shown_on_its_form_with_what_was_typed_and_nothing_is_stored()
    {
        using var mai = await SignedInAsync("admin");
        var intake = (await RowAsync("intake.workingDays"))!;

        // Not a number.
        var page = await RenderedAsync(await PostAsync(mai, Page, $"{Page}?handler=National", ("name", "intake.workingDays"), ("value", "ba ngày"),
            ("source", "Nguồn đã gõ <giữ lại>"), ("verified", "true")));
        Assert.Contains("intake.workingDays: &#x27;ba ngày&#x27; is not a number.", page, StringComparison.Ordinal);
        var row = Row(page, "intake.workingDays");
        Assert.Contains("<details open=\"open\">", row, StringComparison.Ordinal);
        Assert.Contains("id=\"refusal-intake.workingDays\"", row, StringComparison.Ordinal);
        Assert.Contains("value=\"ba ngày\"", row, StringComparison.Ordinal);
        Assert.Contains("Nguồn đã gõ &lt;giữ lại&gt;</textarea>", row, StringComparison.Ordinal);

        // Not a whole number of working days; a number where a fraction belongs; a fraction that is not one; no source.
        foreach (var (name, value, source, problem) in new[]
                 {
                     ("intake.workingDays", "2,5", "x", "intake.workingDays: 2.5 is not a valid number of working days."),
                     ("council.quorum", "5", "x", "council.quorum: the value must be a fraction, like the national one."),
                     ("council.quorum", "{\"numerator\": 4, \"denominator\": 3}", "x", "council.quorum: a fraction needs whole numbers 0 ≤ numerator ≤ denominator, denominator &gt; 0."),
                     ("council.quorum", "{hai phần ba", "x", "council.quorum: &#x27;{hai phần ba&#x27; is not JSON"),
                     ("intake.workingDays", "4", "", "Name the source of the value"),
                 })
        {
            var refused = await RenderedAsync(await PostAsync(mai, Page, $"{Page}?handler=National", ("name", name), ("value", value), ("source", source)));
            Assert.Contains(problem, refused, StringComparison.Ordinal);
            Assert.Contains("id=\"settings-problem\"", refused, StringComparison.Ordinal);
        }

        var after = (await RowAsync("intake.workingDays"))!;
        Assert.Equal((intake.Value, intake.Source, intake.Verified, intake.UpdatedAt), (after.Value, after.Source, after.Verified, after.UpdatedAt));
        Assert.Equal("{\"numerator\":2,\"denominator\":3,\"strict\":false,\"base\":\"membersInForce\"}", (await RowAsync("council.quorum"))!.Value);
        Assert.Empty(await AuditAsync("legal-parameter.set"));
    }

    [Fact]
    public async Task The_provinces_administrator_sets_and_clears_its_own_value_and_touches_nothing_else()
    {
        using var qt = await SignedInAsync("qt.08");
        var page = await PageAsync(qt, Page);
        Assert.Contains("<option value=\"08\" selected=\"selected\">", page, StringComparison.Ordinal);
        Assert.DoesNotContain("national-form-", page, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"\"", page[..page.IndexOf("</select>", StringComparison.Ordinal)], StringComparison.Ordinal); // no "national only" choice
        var pageUrl = $"{Page}?province=08";

        var saved = await PostAsync(qt, pageUrl, $"{pageUrl}&handler=Province", ("name", "intake.workingDays"), ("value", "5"), ("source", "QĐ 12/2026/QĐ-UBND tỉnh Tuyên Quang"));
        Assert.Equal("/admin/settings/parameters?province=08#param-intake.workingDays", saved.Headers.Location!.OriginalString);
        var row = Row(await FollowAsync(qt, saved), "intake.workingDays");
        Assert.Contains("data-own=\"true\"", row, StringComparison.Ordinal);
        Assert.Contains("data-own-value=\"5\"", row, StringComparison.Ordinal);
        Assert.Contains("QĐ 12/2026/QĐ-UBND tỉnh Tuyên Quang", row, StringComparison.Ordinal);
        var own = (await RowAsync("intake.workingDays", "08"))!;
        Assert.Equal(("5", false, "qt.08"), (own.Value, own.Verified, own.UpdatedBy));
        Assert.Equal("3", (await RowAsync("intake.workingDays"))!.Value);

        // A refused own value keeps the typed text; nothing changes.
        var refused = await RenderedAsync(await PostAsync(qt, pageUrl, $"{pageUrl}&handler=Province", ("name", "intake.workingDays"), ("value", "-1"), ("source", "x")));
        Assert.Contains("intake.workingDays: -1 is not a valid number of working days.", refused, StringComparison.Ordinal);
        Assert.Contains("id=\"province-value-intake.workingDays\" name=\"value\" value=\"-1\"", refused, StringComparison.Ordinal);
        Assert.Equal("5", (await RowAsync("intake.workingDays", "08"))!.Value);

        // Neither the national value nor another province's.
        var national = await PostAsync(qt, pageUrl, $"{pageUrl}&handler=National", ("name", "intake.workingDays"), ("value", "9"), ("source", "x"));
        Assert.Equal(HttpStatusCode.Forbidden, national.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await qt.GetAsync($"{Page}?province=01")).StatusCode);
        var hanoi = await PostAsync(qt, pageUrl, $"{Page}?province=01&handler=Province", ("name", "intake.workingDays"), ("value", "9"), ("source", "x"));
        Assert.Equal(HttpStatusCode.Forbidden, hanoi.StatusCode);
        Assert.Equal("3", (await RowAsync("intake.workingDays"))!.Value);
        Assert.Null(await RowAsync("intake.workingDays", "01"));

        var cleared = await PostAsync(qt, pageUrl, $"{pageUrl}&handler=Clear", ("name", "intake.workingDays"));
        Assert.Contains("Đã bỏ giá trị riêng của tỉnh cho intake.workingDays", await FollowAsync(qt, cleared), StringComparison.Ordinal);
        Assert.Null(await RowAsync("intake.workingDays", "08"));
        Assert.Equal(["qt.08 intake.workingDays@08"], await AuditAsync("legal-parameter.set"));
        Assert.Equal(["qt.08 intake.workingDays@08"], await AuditAsync("legal-parameter.clear"));

        // Clearing what is not there is refused readably.
        var again = await PostAsync(qt, pageUrl, $"{pageUrl}&handler=Clear", ("name", "intake.workingDays"));
        Assert.Contains("Province 08 has no own value of &#x27;intake.workingDays&#x27;.", await FollowAsync(qt, again), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("20", "20")]
    [InlineData(" 2,5 ", "2.5")]
    [InlineData("Có", "true")]
    [InlineData("false", "false")]
    [InlineData("department-noi-vu", "\"department-noi-vu\"")]
    [InlineData("10, 17 ,19", "[\"10\",\"17\",\"19\"]")]
    [InlineData("[\"10\"]", "[\"10\"]")]
    public void The_form_reads_a_value_as_the_national_values_kind(string typed, string json)
    {
        var national = json switch
        {
            "true" or "false" => "true",
            _ when json.StartsWith('"') => "\"coordination-office\"",
            _ when json.StartsWith('[') => "[\"1\"]",
            _ => "3",
        };
        Assert.Equal(json, ParameterText.Parse("p", typed, national).GetRawText());
    }

    /// <summary>The row of a parameter in the page.</summary>
    private static string Row(string page, string name)
    {
        var start = page.IndexOf($"<tr id=\"param-{name}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no row for {name}");
        return page[start..page.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }

    private async Task<DateTimeOffset> SelfAssessmentDueAsync(string officer, string commune)
    {
        var id = await DossierSeeds.OpenAsync(App.Services, officer, commune);
        await using var scope = App.Services.CreateAsyncScope();
        var dossiers = scope.ServiceProvider.GetRequiredService<DossierService>();
        var task = (await dossiers.OpenTasksAsync(await dossiers.LoadAsync(id, CancellationToken.None), CancellationToken.None)).Single(t => t.ElementId == "selfAssessment");
        return task.Due!.Value;
    }
}

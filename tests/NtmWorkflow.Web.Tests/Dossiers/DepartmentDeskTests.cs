using System.Net;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Accounts;

namespace NtmWorkflow.Web.Tests.Dossiers;

/// <summary>
/// Chị Hoa's table (Home Affairs, Tuyên Quang): her indicators of two communes' dossiers waiting for the department,
/// agreed in bulk, the complete dossier forwarded and the other not; a difficulty raised and answered by the
/// coordination office, with the answer mailed back.
/// </summary>
public sealed class DepartmentDeskTests : AppTestHost
{
    private Guid _ngocDuong;
    private Guid _phuLinh;

    protected override async Task SeedAsync()
    {
        await CreateOfficialAsync("xa.khac", "commune:00706", Roles.CommuneOfficer);
        _ngocDuong = await DossierSeeds.AtDepartmentReviewAsync(App.Services, "xa.lan", "00700");
        _phuLinh = await DossierSeeds.AtDepartmentReviewAsync(App.Services, "xa.khac", "00706");
    }

    [Fact]
    public async Task The_reviewer_agrees_rows_of_many_communes_at_once_and_forwards_the_dossiers_complete()
    {
        using var hoa = await SignedInAsync("so.hoa");
        var html = await hoa.GetStringAsync("/department");
        Assert.Contains("Bảng thẩm định của sở", html, StringComparison.Ordinal);
        Assert.Contains("2025-NTM-00700", html, StringComparison.Ordinal);
        Assert.Contains("2025-NTM-00706", html, StringComparison.Ordinal);
        var rows = Rows(html);
        var ngocDuong = rows.Where(r => r.Dossier == "2025-NTM-00700").ToList();
        var phuLinh = rows.Where(r => r.Dossier == "2025-NTM-00706").ToList();
        Assert.NotEmpty(ngocDuong);
        Assert.Equal(ngocDuong.Select(r => r.Indicator), phuLinh.Select(r => r.Indicator));
        Assert.Contains(ngocDuong, r => r.Indicator == "12.2"); // Home Affairs took over labour in 2025
        Assert.DoesNotContain(ngocDuong, r => r.Indicator == "2.1"); // roads are Construction's

        // A filter on one commune shows only its rows.
        Assert.DoesNotContain("2025-NTM-00706", await hoa.GetStringAsync("/department?commune=Ngọc Đường"), StringComparison.Ordinal);

        // All of Ngọc Đường and one row of Phú Linh, agreed and forwarded where complete.
        var chosen = ngocDuong.Concat(phuLinh.Take(1)).Select(r => new KeyValuePair<string, string>("rows", r.Value))
            .Append(new("forward", "true")).ToList();
        var posted = await PageForms.PostFormAsync(hoa, "/department", "/department?handler=Agree", chosen);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var after = await hoa.GetStringAsync(posted.Headers.Location!.ToString());
        Assert.True(after.Contains($"Đã đồng ý {ngocDuong.Count + 1} chỉ tiêu. Đã chuyển tiếp: 2025-NTM-00700.", StringComparison.Ordinal), System.Text.RegularExpressions.Regex.Match(after, "<p class=\"(notice|error)\"[^<]*").Value);
        Assert.DoesNotContain("2025-NTM-00700", Rows(after).Select(r => r.Dossier));

        // The department's findings are recorded as the review page would; the other reviews go on.
        var findings = await QueryAsync(db => db.DossierFindings.Where(f => f.DossierId == _ngocDuong && f.DepartmentKind == "noi-vu").ToListAsync());
        Assert.Equal(ngocDuong.Count, findings.Count(f => f.Finding == "agree"));
        Assert.Single(findings, f => f.IndicatorNumber == "*" && f.Finding == "forward" && f.Actor == "so.hoa");

        Assert.Equal(0, await QueryAsync(db => db.ReviewDrafts.CountAsync(r => r.DossierId == _ngocDuong)));

        // Phú Linh cannot be forwarded with rows still waiting; its agreed row stays agreed, and comes
        // preselected on the dossier's review page, where a disagreement would be written.
        var phuLinhTask = Guid.Parse(phuLinh[0].Value.Split('|')[0]);
        var review = await hoa.GetStringAsync($"/dossiers/{_phuLinh}/review/{phuLinhTask}");
        Assert.Contains($"name=\"finding-{phuLinh[0].Indicator}\" value=\"agree\" checked=\"checked\"", review, StringComparison.Ordinal);
        Assert.DoesNotContain($"name=\"finding-{phuLinh[1].Indicator}\" value=\"agree\" checked=\"checked\"", review, StringComparison.Ordinal);
        var refused = await PageForms.PostFormAsync(hoa, "/department", $"/department?handler=Forward&taskId={phuLinhTask}", new Dictionary<string, string>());
        var problem = await hoa.GetStringAsync(refused.Headers.Location!.ToString());
        Assert.Contains("have no finding yet", problem, StringComparison.Ordinal);
        Assert.Single(Rows(problem), r => r.Dossier == "2025-NTM-00706" && r.Value.Length == 0);
        Assert.Equal(0, await QueryAsync(db => db.DossierFindings.CountAsync(f => f.DossierId == _phuLinh && f.DepartmentKind == "noi-vu")));
    }

    [Fact]
    public async Task A_difficulty_raised_becomes_a_coordination_office_task_whose_answer_is_mailed_back()
    {
        using var hoa = await SignedInAsync("so.hoa");
        var sent = await PageForms.PostFormAsync(hoa, "/department", "/department?handler=Difficulty", new()
        {
            ["subject"] = "Thiếu số liệu lao động qua đào tạo", ["description"] = "Các xã chưa có số liệu điều tra năm 2025 cho chỉ tiêu 12.2.", ["dossierId"] = _ngocDuong.ToString(),
        });
        Assert.Contains("Đã gửi kiến nghị", await hoa.GetStringAsync(sent.Headers.Location!.ToString()), StringComparison.Ordinal);

        // The coordination office finds it in its inbox, with a deadline; the department cannot answer it.
        using var vpdp = await SignedInAsync("vpdp");
        var inbox = await vpdp.GetStringAsync("/inbox");
        var taskId = await QueryAsync(db => db.WorkflowTasks.Where(t => t.FormKey == "ntm:difficulty-answer").Select(t => t.Id).SingleAsync());
        Assert.Contains($"href=\"/difficulties/{taskId}\"", inbox, StringComparison.Ordinal);
        Assert.Contains("Các xã chưa có số liệu điều tra", await vpdp.GetStringAsync($"/difficulties/{taskId}"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await hoa.GetAsync($"/difficulties/{taskId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await SignedInAsync("xa.lan")).GetAsync("/department")).StatusCode);

        var answered = await PageForms.PostFormAsync(vpdp, $"/difficulties/{taskId}", $"/difficulties/{taskId}", new() { ["answer"] = "Dùng số liệu điều tra lao động năm 2024 của Cục Thống kê." });
        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        Assert.Contains("Dùng số liệu điều tra lao động năm 2024", await hoa.GetStringAsync("/department"), StringComparison.Ordinal);
        Assert.Equal(0, await QueryAsync(db => db.WorkflowTasks.CountAsync(t => t.FormKey == "ntm:difficulty-answer")));
        var mail = await QueryAsync(db => db.OutboxMessages.Where(m => m.ElementId == "mailAnswer").Select(m => m.Payload).SingleAsync());
        var address = await QueryAsync(db => db.Users.Where(u => u.UserName == "so.hoa").Select(u => u.Email).SingleAsync());
        Assert.Contains(address!, mail, StringComparison.Ordinal);
        Assert.Contains("Dùng số liệu điều tra lao động năm 2024", System.Text.RegularExpressions.Regex.Unescape(mail), StringComparison.Ordinal);
    }

    private sealed record DeskLine(string Dossier, string Indicator, string Value);

    /// <summary>The table's rows: the dossier, the indicator and the checkbox value ("task|indicator"; empty once agreed).</summary>
    private static List<DeskLine> Rows(string html) =>
        [.. System.Text.RegularExpressions.Regex.Matches(html, "<tr data-dossier=\"(?<d>[^\"]+)\" data-indicator=\"(?<i>[^\"]+)\"[^>]*>\\s*<td>\\s*(?:<input type=\"checkbox\" name=\"rows\" value=\"(?<v>[^\"]+)\")?")
            .Select(m => new DeskLine(m.Groups["d"].Value, m.Groups["i"].Value, m.Groups["v"].Value))];
}

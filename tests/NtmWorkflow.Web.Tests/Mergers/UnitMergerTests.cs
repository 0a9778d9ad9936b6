using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Mergers;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Tests.Mergers;

/// <summary>
/// Sáp nhập đơn vị hành chính on the real 2025 merge data (the bundled editions the app imports at start), on each provider.
/// The slice, from Hà Giang (02) into Tuyên Quang (08) on 2025-07-01: Xã Kim Thạch (00703), Xã Phú Linh (00706) and Xã Kim
/// Linh (00709) became Xã Phú Linh (00706), whole; Xã Việt Lâm (00967) was split between Xã Vị Xuyên (00913) and Xã Việt Lâm
/// (00967). Dossiers opened in June 2025 on the former communes run the three-tier workflow at their self-assessment.
/// </summary>
public abstract class UnitMergerTests : AppTestHost
{
    private static readonly DateOnly June = new(2025, 6, 10);
    private Guid _kimThach;
    private Guid _vietLam;

    protected override async Task SeedAsync()
    {
        await CreateOfficialAsync("qt.08", "province:08", Roles.Administrator);
        await CreateOfficialAsync("qt.01", "province:01", Roles.Administrator);
        await CreateFormerOfficialAsync("xa.kimthach", "commune:00703", Roles.CommuneOfficer);
        await CreateFormerOfficialAsync("so.hagiang", "department:02/noi-vu", Roles.DepartmentReviewer);
        _kimThach = await OpenAsync("00703", June);
        _vietLam = await OpenAsync("00967", June);
    }

    private async Task CreateFormerOfficialAsync(string userName, string unit, string role)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<AppUser>>();
        Assert.True((await users.CreateAsync(new AppUser { UserName = userName, FullName = userName, Email = $"{userName}@test.ntmworkflow.local" }, "NtmDemo@2026")).Succeeded);
        await scope.ServiceProvider.GetRequiredService<OrganisationService>().AssignAsync(userName, unit, role, new DateOnly(2025, 3, 1), "admin", CancellationToken.None);
    }

    private async Task<Guid> OpenAsync(string commune, DateOnly openedOn, int year = 2025)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var admin = await OfficialAsync(scope, "admin");
        var dossier = await scope.ServiceProvider.GetRequiredService<DossierService>()
            .OpenAsync(admin, new OpenDossierRequest(commune, RecognitionTier.Ntm, year, null, null, "*", openedOn, null), CancellationToken.None);
        return dossier.Id;
    }

    private static async Task<Official> OfficialAsync(AsyncServiceScope scope, string userName) =>
        await scope.ServiceProvider.GetRequiredService<OrganisationService>().FindOfficialAsync(userName, null, CancellationToken.None)
        ?? throw new InvalidOperationException($"No official {userName}.");

    private async Task<MergerBatch> RunAsync(string userName, bool apply, string choices = "", string province = "08")
    {
        await using var scope = App.Services.CreateAsyncScope();
        var mergers = scope.ServiceProvider.GetRequiredService<UnitMergers>();
        var request = new MergerRequest("2025-03", "2025-07", province, UnitMergers.ParseChoices(choices));
        var official = await OfficialAsync(scope, userName);
        return apply ? await mergers.ApplyAsync(official, request, CancellationToken.None) : await mergers.PreviewAsync(official, request, CancellationToken.None);
    }

    private Task<DossierRow> DossierAsync(Guid id) => QueryAsync(db => db.Dossiers.AsNoTracking().SingleAsync(d => d.Id == id));

    private Task<List<string>> GroupsOfAsync(Guid dossier) => QueryAsync(async db =>
    {
        var instance = await db.Dossiers.Where(d => d.Id == dossier).Select(d => d.InstanceId).SingleAsync();
        var rows = await db.WorkflowTasks.AsNoTracking().Where(t => t.InstanceId == instance).Select(t => t.CandidateGroups).ToListAsync();
        return rows.SelectMany(r => JsonSerializer.Deserialize<List<string>>(r)!).Order(StringComparer.Ordinal).ToList();
    });

    [Fact]
    public async Task The_preview_shows_each_dossier_its_successor_the_task_groups_and_the_roles_and_changes_nothing()
    {
        var batch = await RunAsync("qt.08", apply: false);

        Assert.Equal(new DateOnly(2025, 7, 1), batch.EffectiveOn);
        var kimThach = Assert.Single(batch.Dossiers, d => d.DossierId == _kimThach);
        Assert.Equal((MergerOutcome.Movable, "Xã Kim Thạch", "00706", "Xã Phú Linh", "08"), (kimThach.Outcome, kimThach.OldCommune.Name, kimThach.NewCommune!.Code, kimThach.NewCommune.Name, kimThach.NewProvince));
        Assert.True(kimThach.KeepsDistrict); // the three-tier workflow still names the district's step
        Assert.Equal("030", kimThach.DistrictCode);
        var change = Assert.Single(kimThach.Groups);
        Assert.Equal(("commune-00703", "commune-00706"), (change.From, change.To));

        // Split: no successor is taken for granted.
        var vietLam = Assert.Single(batch.Dossiers, d => d.DossierId == _vietLam);
        Assert.Equal(MergerOutcome.NeedsChoice, vietLam.Outcome);
        Assert.Equal(["00913", "00967"], vietLam.Successors.Select(s => s.Code));
        Assert.Contains("Xã Vị Xuyên (00913)", vietLam.Reason, StringComparison.Ordinal);

        // The officials of the former units: the commune's officer to the successor, Hà Giang's department to Tuyên Quang's.
        Assert.Contains(batch.Assignments, m => (m.UserName, m.FromUnit, m.ToUnit) == ("xa.kimthach", "commune:00703", "commune:00706"));
        Assert.Contains(batch.Assignments, m => (m.UserName, m.FromUnit, m.ToUnit) == ("so.hagiang", "department:02/noi-vu", "department:08/noi-vu"));
        Assert.DoesNotContain(batch.Assignments, m => m.UserName == "xa.binh"); // Phú Linh kept its code

        Assert.Equal("00703", (await DossierAsync(_kimThach)).CommuneCode);
        Assert.Equal(["commune-00703"], await GroupsOfAsync(_kimThach));
        Assert.False(await QueryAsync(db => db.AuditEntries.AnyAsync(a => a.Action == UnitMergers.DossierMoved)));
    }

    [Fact]
    public async Task Applying_moves_the_dossier_its_task_and_the_roles_to_the_successor_audited_once_and_the_history_keeps_the_old_names()
    {
        using (var binh = await SignedInAsync("xa.binh"))
        {
            Assert.DoesNotContain("Xã Kim Thạch", await binh.GetStringAsync("/inbox"), StringComparison.Ordinal);
        }

        var task = Assert.Single(await App.Services.GetRequiredService<WorkflowEngine>().ListTasksAsync((await DossierAsync(_kimThach)).InstanceId));
        var batch = await RunAsync("qt.08", apply: true);

        Assert.Equal(MergerOutcome.Moved, batch.Dossiers.Single(d => d.DossierId == _kimThach).Outcome);
        Assert.Equal(MergerOutcome.NeedsChoice, batch.Dossiers.Single(d => d.DossierId == _vietLam).Outcome);
        var dossier = await DossierAsync(_kimThach);
        Assert.Equal(("08", "00706", "Xã Phú Linh", "030", "2025-NTM-00703"), (dossier.ProvinceCode, dossier.CommuneCode, dossier.CommuneName, dossier.DistrictCode, dossier.Code));
        Assert.Equal(["commune-00706"], await GroupsOfAsync(_kimThach));
        Assert.Equal(["commune-00706"], await QueryAsync(db => db.WorkflowTaskGroups.Where(g => g.TaskId == task.Id).Select(g => g.Group).ToListAsync()));
        var row = await QueryAsync(db => db.WorkflowTasks.AsNoTracking().SingleAsync(t => t.Id == task.Id));
        Assert.Equal(("00706", "Xã Phú Linh"), (row.CommuneCode, row.CommuneName));

        // The workflow names the successor from now on; its history is appended to, not rewritten.
        var engine = App.Services.GetRequiredService<WorkflowEngine>();
        var instance = await engine.GetInstanceAsync(dossier.InstanceId!.Value);
        Assert.Equal(("00706", "Xã Phú Linh", "030"), (instance!.Variables["communeCode"]!.GetValue<string>(), instance.Variables["communeName"]!.GetValue<string>(), instance.Variables["districtCode"]!.GetValue<string>()));
        var departments = instance.Variables["departments"]!.AsArray().Select(d => d!.GetValue<string>()).ToList();
        Assert.NotEmpty(departments);
        Assert.All(departments, d => Assert.StartsWith("08-", d, StringComparison.Ordinal)); // the departments of the successor's province
        var relocated = await QueryAsync(db => db.WorkflowHistory.AsNoTracking().SingleAsync(h => h.InstanceId == dossier.InstanceId && h.Event == "instanceRelocated"));
        Assert.Contains("Xã Kim Thạch → Xã Phú Linh", relocated.Detail, StringComparison.Ordinal);
        Assert.Contains("commune-00703 → commune-00706", relocated.Detail, StringComparison.Ordinal);
        Assert.True(await QueryAsync(db => db.WorkflowHistory.AnyAsync(h => h.InstanceId == dossier.InstanceId && h.Event == "instanceStarted")));

        // The successor's officer finds the task in the inbox.
        using (var binh = await SignedInAsync("xa.binh"))
        {
            var inbox = await binh.GetStringAsync("/inbox");
            Assert.Contains(task.Id.ToString(), inbox, StringComparison.Ordinal);
        }

        // Audited with the old and the new code and name.
        var entry = await QueryAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == UnitMergers.DossierMoved));
        Assert.Equal(("qt.08", $"dossier/{_kimThach}"), (entry.Actor, entry.Subject));
        var detail = JsonDocument.Parse(entry.Detail).RootElement;
        Assert.Equal(("00703", "Xã Kim Thạch", "00706", "Xã Phú Linh"), (detail.GetProperty("before").GetProperty("code").GetString(), detail.GetProperty("before").GetProperty("name").GetString(),
            detail.GetProperty("after").GetProperty("code").GetString(), detail.GetProperty("after").GetProperty("name").GetString()));
        Assert.True(await QueryAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "merger.applied" && a.Subject == "province/08")));

        // The roles: the former commune's officer is now an officer of the successor; the old assignment ended yesterday.
        var kimThach = await QueryAsync(async db =>
        {
            var user = await db.Users.SingleAsync(u => u.UserName == "xa.kimthach");
            return await db.RoleAssignments.AsNoTracking().Where(a => a.UserId == user.Id).OrderBy(a => a.Id).ToListAsync();
        });
        Assert.Equal(["commune:00703", "commune:00706"], kimThach.Select(a => a.UnitKey));
        Assert.NotNull(kimThach[0].ValidTo);
        Assert.Null(kimThach[1].ValidTo);
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var official = await OfficialAsync(scope, "xa.kimthach");
            Assert.Contains("commune-00706", official.Groups);
            Assert.DoesNotContain("commune-00703", official.Groups);
            Assert.Contains("department-08-noi-vu", (await OfficialAsync(scope, "so.hagiang")).Groups);
        }

        Assert.Equal(2, await QueryAsync(db => db.AuditEntries.CountAsync(a => a.Action == "role.movedByMerger")));

        // Idempotent: a second apply finds nothing left to move and writes no second dossier or role entry.
        var again = await RunAsync("qt.08", apply: true);
        Assert.Equal(0, again.Moved);
        Assert.DoesNotContain(again.Dossiers, d => d.DossierId == _kimThach);
        Assert.DoesNotContain(again.Assignments, m => m.ToUnit is not null);
        Assert.Equal(1, await QueryAsync(db => db.AuditEntries.CountAsync(a => a.Action == UnitMergers.DossierMoved)));
        Assert.Equal(2, await QueryAsync(db => db.AuditEntries.CountAsync(a => a.Action == "role.movedByMerger")));
        Assert.Equal(["commune-00706"], await GroupsOfAsync(_kimThach));
    }

    [Fact]
    public async Task A_split_commune_moves_only_to_the_chosen_successor_and_not_onto_an_open_dossier_there()
    {
        // Xã Vị Xuyên (00913) opened its own 2025 dossier after the merger.
        var viXuyen = await OpenAsync("00913", new DateOnly(2025, 9, 15));

        var wrong = await RunAsync("qt.08", apply: true, choices: "00967 → 00721");
        Assert.Equal(MergerOutcome.Conflict, wrong.Dossiers.Single(d => d.DossierId == _vietLam).Outcome);
        Assert.Contains("not a successor of 00967", wrong.Dossiers.Single(d => d.DossierId == _vietLam).Reason, StringComparison.Ordinal);

        var taken = await RunAsync("qt.08", apply: true, choices: "00967 → 00913");
        var refused = taken.Dossiers.Single(d => d.DossierId == _vietLam);
        Assert.Equal(MergerOutcome.Conflict, refused.Outcome);
        Assert.Contains("2025-NTM-00913", refused.Reason, StringComparison.Ordinal);
        Assert.Equal(("00967", "Xã Việt Lâm"), ((await DossierAsync(_vietLam)).CommuneCode, (await DossierAsync(_vietLam)).CommuneName));
        Assert.Equal("00913", (await DossierAsync(viXuyen)).CommuneCode);

        var chosen = await RunAsync("qt.08", apply: true, choices: "# phần lớn sang xã Việt Lâm mới\n00967 -> 00967");
        Assert.Equal(MergerOutcome.Moved, chosen.Dossiers.Single(d => d.DossierId == _vietLam).Outcome);
        Assert.True(await QueryAsync(db => db.AuditEntries.AnyAsync(a => a.Action == UnitMergers.DossierMoved && a.Subject == $"dossier/{_vietLam}")));

        // Once moved, a different choice moves it no more.
        var later = await RunAsync("qt.08", apply: true, choices: "00967 → 00913");
        Assert.DoesNotContain(later.Dossiers, d => d.DossierId == _vietLam);
        Assert.Equal("00967", (await DossierAsync(_vietLam)).CommuneCode);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string handler, Dictionary<string, string> fields) =>
        PageForms.PostFormAsync(client, "/admin/mergers", $"/admin/mergers?handler={handler}", fields);

    private static async Task<HttpResponseMessage> OkPageAsync(HttpClient client, string handler, Dictionary<string, string> fields)
    {
        var response = await PostAsync(client, handler, fields);
        Assert.True(response.IsSuccessStatusCode, $"{handler}: {(int)response.StatusCode}");
        return response;
    }

    private static async Task<string> HtmlAsync(HttpResponseMessage response) => System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    private static Dictionary<string, string> Fields(string province = "08", string choices = "") =>
        new() { ["from"] = "2025-03", ["to"] = "2025-07", ["province"] = province, ["choices"] = choices };

    [Fact]
    public async Task The_page_previews_applies_and_answers_bad_input_with_what_was_typed()
    {
        using var admin = await SignedInAsync("qt.08");
        Assert.Contains("href=\"/admin/mergers\"", await admin.GetStringAsync("/admin/settings"), StringComparison.Ordinal);
        Assert.Contains("id=\"merger-form\"", await admin.GetStringAsync("/admin/mergers"), StringComparison.Ordinal);

        var preview = await HtmlAsync(await PostAsync(admin, "Preview", Fields()));
        Assert.Contains($"data-dossier=\"{_kimThach}\" data-outcome=\"Movable\"", preview, StringComparison.Ordinal);
        Assert.Contains($"data-dossier=\"{_vietLam}\" data-outcome=\"NeedsChoice\"", preview, StringComparison.Ordinal);
        Assert.Contains("<code>commune-00703</code> → <code>commune-00706</code>", preview, StringComparison.Ordinal);
        Assert.Contains("Giữ mã huyện 030", preview, StringComparison.Ordinal);
        Assert.Contains("id=\"merger-apply\"", preview, StringComparison.Ordinal);
        Assert.Equal("00703", (await DossierAsync(_kimThach)).CommuneCode);

        var applied = await HtmlAsync(await PostAsync(admin, "Apply", Fields()));
        Assert.Contains($"data-dossier=\"{_kimThach}\" data-outcome=\"Moved\"", applied, StringComparison.Ordinal);
        Assert.Contains("Đã chuyển 1 hồ sơ.", applied, StringComparison.Ordinal);
        Assert.Equal("00706", (await DossierAsync(_kimThach)).CommuneCode);

        var bad = await PostAsync(admin, "Preview", Fields(choices: "00967 sang 00913"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        var html = await HtmlAsync(bad);
        Assert.Contains("Line 1 of the choices", html, StringComparison.Ordinal);
        Assert.Contains("00967 sang 00913", html, StringComparison.Ordinal); // what was typed is kept

        var elsewhere = await PostAsync(admin, "Apply", Fields(province: "01"));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, elsewhere.StatusCode);
        Assert.Contains("province 01", await HtmlAsync(elsewhere), StringComparison.Ordinal);
    }

    /// <summary>A recognised dossier of a former commune, as the app records one (opened and decided before the merger).</summary>
    private async Task RecogniseAsync(string commune, string name, RecognitionTier tier, int year, string decision)
    {
        var template = await DossierAsync(_kimThach);
        await QueryAsync(async db =>
        {
            db.Dossiers.Add(new DossierRow
            {
                Id = Guid.NewGuid(), Code = $"{year}-{tier.ToString().ToUpperInvariant()}-{commune}", Tier = tier, Year = year, ProvinceCode = "02", CommuneCode = commune, CommuneName = name,
                OpenedOn = new DateOnly(year, 3, 1), ProcessId = DossierService.ThreeTierProcess, CriteriaSetId = template.CriteriaSetId, CriteriaSetCode = template.CriteriaSetCode,
                Status = DossierStatus.Recognised, DecisionNumber = decision, DecisionDate = new DateOnly(year, 12, 1), CreatedAt = DateTimeOffset.UtcNow, CreatedBy = "test", UpdatedAt = DateTimeOffset.UtcNow,
            });
            return await db.SaveChangesAsync();
        });
    }

    [Fact]
    public async Task The_titles_report_applies_the_rule_all_recognised_carries_over_by_decision_mixed_needs_a_new_procedure()
    {
        // Xã Lũng Cú (00715) ← Lũng Cú, Má Lé, Lũng Táo: all recognised, one at the advanced tier. Xã Phố Bảng (00745) ← Phó Bảng,
        // Phố Là, Phố Cáo, Lũng Thầu: only Phố Là.
        await RecogniseAsync("00715", "Xã Lũng Cú", RecognitionTier.Ntm, 2023, "101/QĐ-UBND");
        await RecogniseAsync("00718", "Xã Má Lé", RecognitionTier.Advanced, 2024, "202/QĐ-UBND");
        await RecogniseAsync("00724", "Xã Lũng Táo", RecognitionTier.Ntm, 2024, "203/QĐ-UBND");
        await RecogniseAsync("00727", "Xã Phố Là", RecognitionTier.Ntm, 2022, "55/QĐ-UBND");
        using var admin = await SignedInAsync("qt.08");

        var report = await HtmlAsync(await PostAsync(admin, "Titles", Fields()));
        Assert.Contains("data-successor=\"00715\" data-outcome=\"AllRecognised\"", report, StringComparison.Ordinal);
        Assert.Contains("tỉnh có thể công nhận xã mới là Xã đạt chuẩn nông thôn mới bằng quyết định", report, StringComparison.Ordinal); // the lowest common tier
        Assert.Contains("data-successor=\"00745\" data-outcome=\"Mixed\"", report, StringComparison.Ordinal);
        Assert.Contains("cần làm thủ tục công nhận mới", report, StringComparison.Ordinal);
        Assert.Contains("id=\"merger-rule-unverified\"", report, StringComparison.Ordinal);
        Assert.Contains("Công văn 267/BNN-VPĐP", report, StringComparison.Ordinal);

        // Mixed: no decision carries the title over.
        var mixed = await PostAsync(admin, "CarryOver", new Dictionary<string, string>(Fields()) { ["successor"] = "00745", ["decisionNumber"] = "9/QĐ-UBND", ["decisionDate"] = "2026-01-05", ["signer"] = "Chủ tịch" });
        Assert.Equal(System.Net.HttpStatusCode.Conflict, mixed.StatusCode);
        Assert.Contains("a new recognition procedure is needed", await HtmlAsync(mixed), StringComparison.Ordinal);

        var recorded = await HtmlAsync(await OkPageAsync(admin, "CarryOver", new Dictionary<string, string>(Fields())
        {
            ["successor"] = "00715", ["decisionNumber"] = "1763/QĐ-UBND", ["decisionDate"] = "2026-01-05", ["signer"] = "Chủ tịch Hoàng Văn Chính",
        }));
        Assert.DoesNotContain("merger-problem", recorded, StringComparison.Ordinal);
        Assert.Contains("data-successor=\"00715\" data-outcome=\"Recorded\"", recorded, StringComparison.Ordinal);
        var carried = await QueryAsync(db => db.Dossiers.AsNoTracking().SingleAsync(d => d.ProcessId == MergedTitles.CarriedOverProcess));
        Assert.Equal(("2026-NTM-00715-SAP-NHAP", "Xã Lũng Cú", "08", RecognitionTier.Ntm, DossierStatus.Recognised, "1763/QĐ-UBND"),
            (carried.Code, carried.CommuneName, carried.ProvinceCode, carried.Tier, carried.Status, carried.DecisionNumber));
        var entry = await QueryAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "dossier.titleCarriedOver"));
        Assert.Contains("Chủ tịch Hoàng Văn Chính", entry.Detail, StringComparison.Ordinal);
        Assert.Contains("Xã Má Lé", entry.Detail, StringComparison.Ordinal);

        // Recorded once: a second decision is refused.
        var twice = await PostAsync(admin, "CarryOver", new Dictionary<string, string>(Fields()) { ["successor"] = "00715", ["decisionNumber"] = "1764/QĐ-UBND", ["decisionDate"] = "2026-01-06", ["signer"] = "Chủ tịch" });
        Assert.Equal(System.Net.HttpStatusCode.Conflict, twice.StatusCode);

        // The rule is a setting: switched off for the province, the report says the province decides.
        await using (var scope = App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<NtmWorkflow.Web.Features.LegalParameters.LegalParameterService>().SetAsync(MergedTitles.RuleParameter, "08",
                new NtmWorkflow.Web.Features.LegalParameters.LegalParameterChange(JsonDocument.Parse("false").RootElement, "Thử: tỉnh không áp dụng", false, null), "admin", CancellationToken.None);
        }

        var off = await HtmlAsync(await PostAsync(admin, "Titles", Fields()));
        Assert.Contains("data-applies=\"False\"", off, StringComparison.Ordinal);
        Assert.Contains("data-successor=\"00745\" data-outcome=\"RuleOff\"", off, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00967 00913", "Line 1 of the choices")]
    [InlineData("00967 → 00913\n00967 → 00967", "a second time")]
    public void Bad_choices_are_refused_with_the_line(string choices, string message) =>
        Assert.Contains(message, Assert.Throws<MergerException>(() => UnitMergers.ParseChoices(choices)).Message, StringComparison.Ordinal);

    [Fact]
    public void Choices_beyond_the_line_cap_are_refused()
    {
        var choices = string.Join('\n', Enumerable.Repeat("00967 → 00913", UnitMergers.MaxChoiceLines + 1));

        var refused = Assert.Throws<MergerException>(() => UnitMergers.ParseChoices(choices));

        Assert.Equal(400, refused.Status);
        Assert.Equal($"The choices have {UnitMergers.MaxChoiceLines + 1} lines; at most {UnitMergers.MaxChoiceLines} are read.", refused.Message);
    }

    [Fact]
    public async Task Only_a_national_administrator_or_the_successors_province_administrator_remaps()
    {
        var other = await Assert.ThrowsAsync<MergerException>(() => RunAsync("qt.01", apply: true));
        Assert.Equal(403, other.Status);
        var office = await Assert.ThrowsAsync<MergerException>(() => RunAsync("vpdp", apply: false));
        Assert.Equal(403, office.Status);
        Assert.Equal(400, (await Assert.ThrowsAsync<MergerException>(() => RunAsync("admin", apply: false, province: "99"))).Status);
        Assert.Equal("00703", (await DossierAsync(_kimThach)).CommuneCode);

        // Hà Nội's administrator may remap Hà Nội, where nothing of this slice is.
        Assert.DoesNotContain((await RunAsync("qt.01", apply: false, province: "01")).Dossiers, d => d.DossierId == _kimThach);
    }
}

public sealed class UnitMergerTests_Sqlite : UnitMergerTests;

[Trait("Db", "Postgres")]
public sealed class UnitMergerTests_Postgres : UnitMergerTests
{
    protected override bool OnPostgres => true;
}

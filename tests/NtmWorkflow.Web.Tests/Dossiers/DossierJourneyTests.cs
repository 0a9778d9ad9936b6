using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Audit;

namespace NtmWorkflow.Web.Tests.Dossiers;

/// <summary>
/// One commune's two-tier dossier driven on the API from opening to the council's vote, as the officials of the
/// demo province (Tuyên Quang, 08) would: Xã Ngọc Đường (00700) self-assesses, posts and surveys, submits; the
/// coordination office takes it in and verifies; every department owning an indicator reviews its own, one
/// returns an indicator, the commune supplements exactly that, and on resubmission the council votes through the
/// generic task API; the chairman recognises it, and a later review revokes it. Every refusal on the way is
/// checked to change nothing. On each provider.
/// </summary>
public abstract class DossierJourneyTests : AppTestHost
{
    private const string Commune = "00700";

    /// <summary>A user created directly, given a role through the API as an administrator would.</summary>
    private async Task CreateOfficialThroughApiAsync(string userName, string unit, string role)
    {
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            if (await users.FindByNameAsync(userName) is null)
            {
                var created = await users.CreateAsync(new AppUser { UserName = userName, FullName = userName, Email = $"{userName}@test.ntmworkflow.local" }, "NtmTest@2026");
                Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
            }
        }

        await OkAsync("admin", HttpMethod.Post, $"/api/users/{userName}/roles", new { unit, role, from = "2025-07-01" }, HttpStatusCode.Created);
    }

    private static JsonElement OpenTask(JsonElement dossier, string elementId) =>
        dossier.GetProperty("openTasks").EnumerateArray().Single(t => t.GetProperty("elementId").GetString() == elementId);

    private static List<string> OpenSteps(JsonElement dossier) =>
        [.. dossier.GetProperty("openTasks").EnumerateArray().Select(t => t.GetProperty("elementId").GetString()!)];

    /// <summary>A value of the indicator's kind, stated met (no thresholds are known for 2021–2025).</summary>
    private static object ValueFor(string kind) => kind switch
    {
        "YesNo" => new { value = true, met = true },
        "Percent" => new { value = 92.5, met = true },
        "Rating" => new { value = "Hoàn thành tốt nhiệm vụ", met = true },
        _ => new { value = 58, met = true },
    };

    [Fact]
    public async Task A_commune_dossier_goes_from_opening_through_a_return_and_the_councils_vote_to_recognition_and_revocation()
    {
        // The officials the dossier needs besides the demo accounts: a reviewer in every department owning an
        // indicator, two more council members, and the officer of another commune of the province.
        await CreateOfficialThroughApiAsync("xa.khac", "commune:00706", Roles.CommuneOfficer);
        await CreateOfficialThroughApiAsync("hd.an", "council:08", Roles.CouncilMember);
        await CreateOfficialThroughApiAsync("hd.binh", "council:08", Roles.CouncilMember);

        // Opened in September 2025: after the reform (two tiers), before the 2026–2030 criteria (Decision 51/2025).
        var dossier = await OkAsync("xa.lan", HttpMethod.Post, "/api/dossiers", new
        {
            communeCode = Commune, tier = "Ntm", year = 2025, openedOn = "2025-09-15", thresholdScope = "trung-du-mien-nui-phia-bac",
        }, HttpStatusCode.Created);
        var id = dossier.GetProperty("id").GetString();
        var url = $"/api/dossiers/{id}";
        Assert.Equal(("2025-NTM-00700", "ntm-commune-two-tier", "xa-ntm-2021-2025", "08"),
            (dossier.GetProperty("code").GetString(), dossier.GetProperty("processId").GetString(), dossier.GetProperty("criteriaSet").GetString(), dossier.GetProperty("provinceCode").GetString()));
        var numbers = dossier.GetProperty("indicators").EnumerateArray().Select(i => i.GetProperty("number").GetString()!).ToList();
        Assert.Equal(58, numbers.Count);
        Assert.Equal(["1.1", "1.2", "2.1"], numbers.Take(3));
        Assert.Equal("17.10", numbers[numbers.IndexOf("17.9") + 1]);
        var selfAssessment = OpenTask(dossier, "selfAssessment");
        Assert.Contains("selfAssessment.workingDays", selfAssessment.GetProperty("dueRestsOnUnverified").EnumerateArray().Select(p => p.GetString()));

        // The departments involved come from the province's ownership after the 2025 mergers.
        var instance = await Client.GetFromJsonAsync<JsonElement>($"/api/instances/{dossier.GetProperty("instanceId").GetString()}");
        var departments = instance.GetProperty("instance").GetProperty("variables").GetProperty("departments").EnumerateArray().Select(d => d.GetString()!).ToList();
        Assert.Contains("08-noi-vu", departments);
        Assert.Contains("08-nong-nghiep-moi-truong", departments);
        Assert.DoesNotContain("08-lao-dong-tbxh", departments);
        foreach (var department in departments.Where(d => d != "08-noi-vu"))
        {
            await CreateOfficialThroughApiAsync("so." + department[3..], "department:08/" + department[3..], Roles.DepartmentReviewer);
        }

        // Refusals before anything is filled: a second dossier, another commune's officer, bad values, a step out of turn.
        await RefusedAsync(HttpStatusCode.Conflict, "xa.lan", HttpMethod.Post, "/api/dossiers", new { communeCode = Commune, tier = "Ntm", year = 2025, openedOn = "2025-09-20", thresholdScope = "*" });
        await RefusedAsync(HttpStatusCode.Forbidden, "xa.khac", HttpMethod.Put, $"{url}/indicators/1.1", new { value = true, met = true });
        await RefusedAsync(HttpStatusCode.NotFound, "xa.lan", HttpMethod.Put, $"{url}/indicators/99.9", new { value = true });
        var wrongType = await RefusedAsync(HttpStatusCode.BadRequest, "xa.lan", HttpMethod.Put, $"{url}/indicators/1.1", new { value = 42 });
        Assert.Contains("1.1", wrongType.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await RefusedAsync(HttpStatusCode.BadRequest, "xa.lan", HttpMethod.Put, $"{url}/indicators/2.1", new { value = 140, met = true });
        await RefusedAsync(HttpStatusCode.Conflict, "xa.lan", HttpMethod.Post, $"{url}/submit");
        var incomplete = await RefusedAsync(HttpStatusCode.UnprocessableEntity, "xa.lan", HttpMethod.Post, $"{url}/self-assessment/complete");
        Assert.Equal(58, incomplete.GetProperty("problems").GetArrayLength());
        await RefusedAsync(HttpStatusCode.Forbidden, "xa.khac", HttpMethod.Get, url);

        // The self-assessment, indicator by indicator, with evidence; one indicator not met yet.
        var set = await Client.GetFromJsonAsync<JsonElement>("/api/criteria-sets/xa-ntm-2021-2025");
        var kinds = set.GetProperty("criteria").EnumerateArray().SelectMany(c => c.GetProperty("indicators").EnumerateArray())
            .ToDictionary(i => i.GetProperty("number").GetString()!, i => i.GetProperty("kind").GetString()!);
        foreach (var number in numbers)
        {
            await OkAsync("xa.lan", HttpMethod.Put, $"{url}/indicators/{number}", ValueFor(kinds[number]));
        }

        await OkAsync("xa.lan", HttpMethod.Put, $"{url}/indicators/17.10", new { value = 40, met = false, note = "Đang triển khai phân loại rác tại nguồn ở 3 thôn" });
        var evidence = await OkAsync("xa.lan", HttpMethod.Post, $"{url}/indicators/1.1/evidence", new { name = "Quyết định phê duyệt quy hoạch chung xây dựng xã", uri = "https://example.org/qd-quy-hoach.pdf" });
        Assert.Equal("xa.lan", evidence.GetProperty("evidence")[0].GetProperty("addedBy").GetString());
        await RefusedAsync(HttpStatusCode.BadRequest, "xa.lan", HttpMethod.Post, $"{url}/indicators/1.1/evidence", new { name = "Không có gì" });
        dossier = await OkAsync("xa.lan", HttpMethod.Post, $"{url}/self-assessment/complete");
        Assert.Equal(["postingAndSurvey"], OpenSteps(dossier));

        // Posting and the satisfaction survey; a posting shorter than the legal parameter stops the submission.
        await RefusedAsync(HttpStatusCode.UnprocessableEntity, "xa.lan", HttpMethod.Post, $"{url}/posting/complete");
        await OkAsync("xa.lan", HttpMethod.Put, $"{url}/conditions", new
        {
            satisfactionPercent = 96.4, surveyedHouseholds = 1180, postedFrom = "2025-10-01", postedTo = "2025-10-05", commentsReceived = 3,
            commentsSummary = "3 ý kiến về đường liên thôn", constructionDebtCleared = true, securityOrder = "NotComplicated",
        });
        dossier = await OkAsync("xa.lan", HttpMethod.Post, $"{url}/posting/complete");
        Assert.Equal(["submitDossier"], OpenSteps(dossier));

        var refused = await RefusedAsync(HttpStatusCode.UnprocessableEntity, "xa.lan", HttpMethod.Post, $"{url}/submit");
        var problems = refused.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToList();
        Assert.Contains(problems, p => p.Contains("17.10", StringComparison.Ordinal) && p.Contains("không để nợ chỉ tiêu", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("posting lasted 5 days", StringComparison.Ordinal));
        Assert.Equal(["submitDossier"], OpenSteps(await OkAsync("xa.lan", HttpMethod.Get, url)));

        await OkAsync("xa.lan", HttpMethod.Put, $"{url}/indicators/17.10", new { value = 82, met = true });
        await OkAsync("xa.lan", HttpMethod.Put, $"{url}/conditions", new { postedTo = "2025-10-15" });
        dossier = await OkAsync("xa.lan", HttpMethod.Post, $"{url}/submit");
        Assert.Equal(["intake"], OpenSteps(dossier));
        await RefusedAsync(HttpStatusCode.Conflict, "xa.lan", HttpMethod.Put, $"{url}/indicators/1.1", new { value = true, met = true });

        // The province: intake and verification by the coordination office (the verifier by the legal parameter).
        await RefusedAsync(HttpStatusCode.Forbidden, "xa.lan", HttpMethod.Post, $"{url}/tasks/{OpenTask(dossier, "intake").GetProperty("id")}/review", new { decision = "forward" });
        dossier = await OkAsync("vpdp", HttpMethod.Post, $"{url}/tasks/{OpenTask(dossier, "intake").GetProperty("id")}/review", new { decision = "forward" });
        await RefusedAsync(HttpStatusCode.BadRequest, "vpdp", HttpMethod.Post, $"{url}/tasks/{OpenTask(dossier, "verification").GetProperty("id")}/review", new { decision = "approve" });
        dossier = await OkAsync("vpdp", HttpMethod.Post, $"{url}/tasks/{OpenTask(dossier, "verification").GetProperty("id")}/review", new
        {
            decision = "forward", findings = new[] { new { indicator = "19.2", finding = "agree", reason = (string?)null } },
        });
        Assert.Equal(departments.Count, OpenSteps(dossier).Count(s => s == "departmentReview"));

        // Each department reviews only its own indicators: Home Affairs (labour functions since 2025) returns 12.2.
        var reviews = dossier.GetProperty("openTasks").EnumerateArray().Where(t => t.GetProperty("elementId").GetString() == "departmentReview").ToList();
        string ReviewerOf(JsonElement task) => task.GetProperty("candidateGroups")[0].GetString() switch
        {
            "department-08-noi-vu" => "so.hoa",
            var group => "so." + group!["department-08-".Length..],
        };
        var homeAffairs = reviews.Single(t => t.GetProperty("candidateGroups")[0].GetString() == "department-08-noi-vu");
        var notTheirs = await RefusedAsync(HttpStatusCode.BadRequest, "so.hoa", HttpMethod.Post, $"{url}/tasks/{homeAffairs.GetProperty("id")}/review", new
        {
            decision = "forward", findings = new[] { new { indicator = "2.1", finding = "agree" } },
        });
        Assert.Contains("not one the department noi-vu owns", notTheirs.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await RefusedAsync(HttpStatusCode.Forbidden, "so.xay-dung", HttpMethod.Post, $"{url}/tasks/{homeAffairs.GetProperty("id")}/review", new { decision = "forward" });
        foreach (var review in reviews.Where(t => t.GetProperty("id").GetString() != homeAffairs.GetProperty("id").GetString()))
        {
            await OkAsync(ReviewerOf(review), HttpMethod.Post, $"{url}/tasks/{review.GetProperty("id")}/review", new { decision = "forward" });
        }

        dossier = await OkAsync("so.hoa", HttpMethod.Post, $"{url}/tasks/{homeAffairs.GetProperty("id")}/review", new
        {
            decision = "return", reason = "Tỷ lệ lao động qua đào tạo chưa có số liệu điều tra",
            findings = new[] { new { indicator = "12.1", finding = "agree", reason = (string?)null }, new { indicator = "12.2", finding = "disagree", reason = (string?)"Thiếu biểu tổng hợp" } },
        });
        Assert.Equal(["supplementDossier"], OpenSteps(dossier));
        Assert.Equal(["12.2"], dossier.GetProperty("indicators").EnumerateArray().Where(i => i.GetProperty("reopened").GetBoolean()).Select(i => i.GetProperty("number").GetString()));

        // The commune supplements exactly what was returned, and resubmits.
        await RefusedAsync(HttpStatusCode.Conflict, "xa.lan", HttpMethod.Put, $"{url}/indicators/1.1", new { value = true, met = true });
        await OkAsync("xa.lan", HttpMethod.Put, $"{url}/indicators/12.2", new { value = 72, met = true, note = "Bổ sung biểu tổng hợp lao động qua đào tạo" });
        dossier = await OkAsync("xa.lan", HttpMethod.Post, $"{url}/submit");
        Assert.Equal(2, dossier.GetProperty("round").GetInt32());
        dossier = await OkAsync("vpdp", HttpMethod.Post, $"{url}/tasks/{OpenTask(dossier, "intake").GetProperty("id")}/review", new { decision = "forward" });
        dossier = await OkAsync("vpdp", HttpMethod.Post, $"{url}/tasks/{OpenTask(dossier, "verification").GetProperty("id")}/review", new { decision = "forward" });
        foreach (var review in dossier.GetProperty("openTasks").EnumerateArray().Where(t => t.GetProperty("elementId").GetString() == "departmentReview").ToList())
        {
            await OkAsync(ReviewerOf(review), HttpMethod.Post, $"{url}/tasks/{review.GetProperty("id")}/review", new { decision = "forward" });
        }

        // 100 % met: the council members in force vote through the generic task API.
        dossier = await OkAsync("vpdp", HttpMethod.Get, url);
        var ballots = dossier.GetProperty("openTasks").EnumerateArray().Where(t => t.GetProperty("elementId").GetString() == "councilVote").ToList();
        Assert.Equal(["hd.an", "hd.binh", "hd.son"], ballots.Select(b => b.GetProperty("assignee").GetString()).Order());
        Assert.Empty(dossier.GetProperty("unmetIndicators").EnumerateArray());
        foreach (var ballot in ballots)
        {
            var vote = await Client.PostAsJsonAsync($"/api/tasks/{ballot.GetProperty("id")}/complete",
                new { actor = ballot.GetProperty("assignee").GetString(), variables = new { agree = ballot.GetProperty("assignee").GetString() != "hd.binh" } });
            Assert.Equal(HttpStatusCode.NoContent, vote.StatusCode);
        }

        dossier = await OkAsync("ct.tinh", HttpMethod.Get, url);
        Assert.Equal(["recognitionDecision"], OpenSteps(dossier));
        Assert.Equal("InProgress", dossier.GetProperty("status").GetString());

        // The chairman signs; the dossier is recognised.
        await RefusedAsync(HttpStatusCode.Forbidden, "vpdp", HttpMethod.Post, $"{url}/decision", new { decisionNumber = "1763/QĐ-UBND", decisionDate = "2025-12-20" });
        await RefusedAsync(HttpStatusCode.BadRequest, "ct.tinh", HttpMethod.Post, $"{url}/decision", new { decisionNumber = "1763/QĐ-UBND" });
        dossier = await OkAsync("ct.tinh", HttpMethod.Post, $"{url}/decision", new { decisionNumber = "1763/QĐ-UBND", decisionDate = "2025-12-20" });
        Assert.Equal(("Recognised", "1763/QĐ-UBND"), (dossier.GetProperty("status").GetString(), dossier.GetProperty("decisionNumber").GetString()));
        Assert.Empty(OpenSteps(dossier));

        // Later, a review for revocation: one failing criterion is not a trigger; six of 19 with income (10) is.
        await RefusedAsync(HttpStatusCode.Forbidden, "xa.lan", HttpMethod.Post, $"{url}/revocation", new { failingCriteria = new[] { "10" } });
        await RefusedAsync(HttpStatusCode.BadRequest, "vpdp", HttpMethod.Post, $"{url}/revocation", new { failingCriteria = new[] { "20" } });
        var minor = await OkAsync("vpdp", HttpMethod.Post, $"{url}/revocation", new { failingCriteria = new[] { "10" } }, HttpStatusCode.Created);
        Assert.False(minor.GetProperty("triggered").GetBoolean());
        Assert.Equal("Recognised", (await OkAsync("vpdp", HttpMethod.Get, url)).GetProperty("status").GetString());
        var major = await OkAsync("vpdp", HttpMethod.Post, $"{url}/revocation",
            new { failingCriteria = new[] { "10", "11", "12", "13", "14", "15" }, reason = "Kết quả rà soát năm 2026" }, HttpStatusCode.Created);
        Assert.True(major.GetProperty("triggered").GetBoolean());
        await RefusedAsync(HttpStatusCode.Conflict, "vpdp", HttpMethod.Post, $"{url}/revocation", new { failingCriteria = new[] { "10" } });
        var revocation = major.GetProperty("instanceId").GetString();
        async Task CompleteAsync(string element, string actor, object variables)
        {
            var open = await Client.GetFromJsonAsync<JsonElement>($"/api/tasks?instanceId={revocation}");
            var task = open.EnumerateArray().Single(t => t.GetProperty("elementId").GetString() == element);
            Assert.Equal(HttpStatusCode.NoContent, (await Client.PostAsJsonAsync($"/api/tasks/{task.GetProperty("id")}/complete", new { actor, variables })).StatusCode);
        }

        await CompleteAsync("revocationReview", "vpdp", new { decision = "propose" });
        await CompleteAsync("revocationConsultation", "xa.lan", new { explanation = "Xã đang khắc phục" });
        await CompleteAsync("revocationDecision", "ct.tinh", new { revoke = true, decisionNumber = "88/QĐ-UBND" });
        Assert.Equal("Revoked", (await OkAsync("vpdp", HttpMethod.Get, url)).GetProperty("status").GetString());

        // The history shows who said what at each level, and the audit chain holds.
        var history = await OkAsync("vpdp", HttpMethod.Get, $"{url}/history");
        var findings = history.GetProperty("findings").EnumerateArray().ToList();
        Assert.Contains(findings, f => f.GetProperty("round").GetInt32() == 1 && f.GetProperty("indicatorNumber").GetString() == "12.2"
            && f.GetProperty("finding").GetString() == "disagree" && f.GetProperty("actor").GetString() == "so.hoa" && f.GetProperty("departmentKind").GetString() == "noi-vu");
        Assert.Contains(findings, f => f.GetProperty("round").GetInt32() == 2 && f.GetProperty("step").GetString() == "verification" && f.GetProperty("finding").GetString() == "forward");
        var actions = history.GetProperty("audit").EnumerateArray().Select(a => (a.GetProperty("actor").GetString(), a.GetProperty("action").GetString())).ToList();
        Assert.Contains(("xa.lan", "dossier.opened"), actions);
        Assert.Contains(("xa.lan", "dossier.resubmitted"), actions);
        Assert.Contains(("so.hoa", "dossier.reviewed"), actions);
        Assert.Contains(("hd.binh", "workflow.taskCompleted"), actions);
        Assert.Contains(("ct.tinh", "dossier.decided"), actions);
        Assert.Contains(("vpdp", "dossier.revocationOpened"), actions);
        Assert.Contains(("system", "dossier.revoked"), actions);
        Assert.Contains(history.GetProperty("workflow").EnumerateArray(), e => e.GetProperty("elementId").GetString() == "checkIndicators");

        Assert.Null(await QueryAsync(db => AuditTrail.VerifyAsync(db, CancellationToken.None)));
        Assert.Equal(2, await QueryAsync(db => db.DossierFindings.CountAsync(f => f.IndicatorNumber == "12.2" || (f.IndicatorNumber == "12.1" && f.Finding == "agree"))));
    }

    [Fact]
    public async Task A_dossier_opened_on_the_2026_criteria_waits_for_their_indicators_and_bad_openings_are_refused()
    {
        var problem = await RefusedAsync(HttpStatusCode.UnprocessableEntity, "xa.lan", HttpMethod.Post, "/api/dossiers",
            new { communeCode = Commune, tier = "Ntm", year = 2026, openedOn = "2026-03-02", thresholdScope = "nhom-2" });
        Assert.Contains("xa-ntm-2026-2030", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await RefusedAsync(HttpStatusCode.NotFound, "xa.lan", HttpMethod.Post, "/api/dossiers", new { communeCode = "99999", tier = "Ntm" });
        await RefusedAsync(HttpStatusCode.Forbidden, "so.hoa", HttpMethod.Post, "/api/dossiers", new { communeCode = Commune, tier = "Ntm", year = 2025, openedOn = "2025-09-15", thresholdScope = "*" });
        await RefusedAsync(HttpStatusCode.BadRequest, "xa.lan", HttpMethod.Post, "/api/dossiers", new { communeCode = Commune, tier = "Ntm", openedOn = "2099-01-01" });
        var wrongTier = await SendAsync("xa.lan", HttpMethod.Post, "/api/dossiers", new { communeCode = Commune, tier = "Platinum" });
        Assert.Equal(HttpStatusCode.BadRequest, wrongTier.StatusCode);
        var noUser = await Client.PostAsJsonAsync("/api/dossiers", new { communeCode = Commune });
        Assert.Equal(HttpStatusCode.Unauthorized, noUser.StatusCode);

        Assert.Equal(0, await QueryAsync(db => db.Dossiers.CountAsync()));
        Assert.Equal(0, await QueryAsync(db => db.WorkflowInstances.CountAsync()));
    }
}

public sealed class DossierJourneyTests_Sqlite : DossierJourneyTests;

[Trait("Db", "Postgres")]
public sealed class DossierJourneyTests_Postgres : DossierJourneyTests
{
    protected override bool OnPostgres => true;
}

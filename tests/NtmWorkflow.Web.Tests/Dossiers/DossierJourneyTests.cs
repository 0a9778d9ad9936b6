using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Audit;
using NtmWorkflow.Web.Tests.Council;

namespace NtmWorkflow.Web.Tests.Dossiers;

/// <summary>
/// One commune's two-tier dossier driven on the API from opening to the council's vote, as the officials of the
/// demo province (Tuyên Quang, 08) would: Xã Ngọc Đường (00700) self-assesses, posts and surveys, submits; the
/// coordination office takes it in and verifies; every department owning an indicator reviews its own, one
/// returns an indicator, the commune supplements exactly that; on resubmission the office puts it on a council
/// session, the council votes and the secretary closes; the office records the chairman's signed decision, and a
/// later review revokes the recognition. Every refusal on the way is
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

    /// <summary>A request acting for <paramref name="user"/> with a raw body (a scan) or none, answered as it comes.</summary>
    private async Task<HttpResponseMessage> RawAsync(string user, string url, HttpMethod? method = null, byte[]? body = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, url) { Content = body is null ? null : new ByteArrayContent(body) };
        request.Headers.Add("X-Acting-User", user);
        return await Client.SendAsync(request);
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

        // 100 % met: the dossier waits for the coordination office to put it on a council session's agenda.
        dossier = await OkAsync("vpdp", HttpMethod.Get, url);
        Assert.Equal(["scheduleCouncil"], OpenSteps(dossier));
        Assert.Empty(dossier.GetProperty("unmetIndicators").EnumerateArray());

        // The council for the term: chair, a vice chair, two members, the secretary; a former member's term has ended.
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7));
        await CreateOfficialThroughApiAsync("hd.cu", "council:08", Roles.CouncilMember);
        await OkAsync("admin", HttpMethod.Post, "/api/council/08/members", new { userName = "hd.cu", position = "Member", from = "2025-07-01", to = "2025-12-31" }, HttpStatusCode.Created);
        await OkAsync("admin", HttpMethod.Post, "/api/council/08/members", new { userName = "hd.an", position = "Chair", title = "Phó Chủ tịch UBND tỉnh", from = "2026-01-01" }, HttpStatusCode.Created);
        await OkAsync("admin", HttpMethod.Post, "/api/council/08/members", new { userName = "hd.son", position = "ViceChair", title = "Giám đốc Sở Nông nghiệp và Môi trường", from = "2026-01-01" }, HttpStatusCode.Created);
        await OkAsync("admin", HttpMethod.Post, "/api/council/08/members", new { userName = "hd.binh", position = "Member", title = "Phó Chủ tịch Ủy ban MTTQ tỉnh", from = "2026-01-01" }, HttpStatusCode.Created);
        await OkAsync("admin", HttpMethod.Post, "/api/council/08/members", new { userName = "hd.thu", position = "Secretary", from = "2026-01-01" }, HttpStatusCode.Created);
        await RefusedAsync(HttpStatusCode.BadRequest, "admin", HttpMethod.Post, "/api/council/08/members", new { userName = "xa.khac", position = "Chair", from = "2026-02-01" });
        await RefusedAsync(HttpStatusCode.Forbidden, "xa.lan", HttpMethod.Post, "/api/council/08/members", new { userName = "xa.lan", position = "Member" });

        // The office plans the session; the 100 % rule is checked again and the members in force that day sit.
        var candidates = await OkAsync("vpdp", HttpMethod.Get, "/api/council/08/agenda-candidates");
        Assert.Equal([id], candidates.EnumerateArray().Select(c => c.GetProperty("dossierId").GetString()));
        await RefusedAsync(HttpStatusCode.Forbidden, "hd.son", HttpMethod.Post, "/api/council/08/sessions", new { meetsOn = today, venue = "Phòng họp số 1", dossierIds = new[] { id } });
        await RefusedAsync(HttpStatusCode.UnprocessableEntity, "vpdp", HttpMethod.Post, "/api/council/08/sessions", new { meetsOn = today, venue = "Phòng họp số 1", dossierIds = new[] { Guid.NewGuid() } });
        var session = await OkAsync("vpdp", HttpMethod.Post, "/api/council/08/sessions", new { meetsOn = today, venue = "Phòng họp số 1, UBND tỉnh", dossierIds = new[] { id } }, HttpStatusCode.Created);
        var sessionUrl = $"/api/council/sessions/{session.GetProperty("id").GetString()}";
        Assert.Equal(["hd.an", "hd.son", "hd.binh", "hd.thu"], session.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("userName").GetString()));
        Assert.Empty(OpenSteps(await OkAsync("vpdp", HttpMethod.Get, url))); // waiting for the session's outcome

        // The session in order: roll call, the two reports, then the ballots; nothing out of turn.
        await RefusedAsync(HttpStatusCode.Conflict, "hd.an", HttpMethod.Post, $"{sessionUrl}/dossiers/{id}/ballot", new { choice = "Agree" });
        await RefusedAsync(HttpStatusCode.Forbidden, "hd.an", HttpMethod.Post, $"{sessionUrl}/roll-call", new { present = new[] { "hd.an" } });
        await OkAsync("hd.thu", HttpMethod.Post, $"{sessionUrl}/roll-call", new { present = new[] { "hd.an", "hd.son", "hd.binh" } });
        await RefusedAsync(HttpStatusCode.Conflict, "hd.thu", HttpMethod.Post, $"{sessionUrl}/reports/satisfaction");
        await OkAsync("hd.thu", HttpMethod.Post, $"{sessionUrl}/reports/appraisal");
        await OkAsync("hd.thu", HttpMethod.Post, $"{sessionUrl}/reports/satisfaction");

        // Ballots: a reason for a vote against, one ballot each, none from a former member or the secretary.
        await RefusedAsync(HttpStatusCode.BadRequest, "hd.binh", HttpMethod.Post, $"{sessionUrl}/dossiers/{id}/ballot", new { choice = "Disagree" });
        await RefusedAsync(HttpStatusCode.Forbidden, "hd.cu", HttpMethod.Post, $"{sessionUrl}/dossiers/{id}/ballot", new { choice = "Agree" });
        await RefusedAsync(HttpStatusCode.Forbidden, "hd.thu", HttpMethod.Post, $"{sessionUrl}/dossiers/{id}/ballot", new { choice = "Agree" });
        await OkAsync("hd.an", HttpMethod.Post, $"{sessionUrl}/dossiers/{id}/ballot", new { choice = "Agree" }, HttpStatusCode.Created);
        await RefusedAsync(HttpStatusCode.Conflict, "hd.an", HttpMethod.Post, $"{sessionUrl}/dossiers/{id}/ballot", new { choice = "Disagree", reason = "Đổi ý" });
        await OkAsync("hd.binh", HttpMethod.Post, $"{sessionUrl}/dossiers/{id}/ballot", new { choice = "Disagree", reason = "Tiêu chí môi trường còn phụ thuộc dự án chưa hoàn thành" }, HttpStatusCode.Created);
        await OkAsync("hd.son", HttpMethod.Post, $"{sessionUrl}/dossiers/{id}/ballot", new { choice = "Agree" }, HttpStatusCode.Created);
        var hidden = await OkAsync("hd.an", HttpMethod.Get, sessionUrl);
        Assert.Equal(["hd.an"], hidden.GetProperty("ballots").EnumerateArray().Select(b => b.GetProperty("userName").GetString()));

        // The secretary closes: the tally by the province's rules (2 of 3 present and voting: more than half), the dossier moves on.
        await RefusedAsync(HttpStatusCode.Forbidden, "hd.an", HttpMethod.Post, $"{sessionUrl}/close");
        session = await OkAsync("hd.thu", HttpMethod.Post, $"{sessionUrl}/close");
        var tally = session.GetProperty("agenda")[0];
        Assert.Equal(("Tallied", "Passed", 3, 2, 1, 3, 2), (session.GetProperty("state").GetString(), tally.GetProperty("outcome").GetString(), tally.GetProperty("attending").GetInt32(),
            tally.GetProperty("agree").GetInt32(), tally.GetProperty("disagree").GetInt32(), tally.GetProperty("approvalBase").GetInt32(), tally.GetProperty("agreeNeeded").GetInt32()));
        Assert.Equal(3, session.GetProperty("ballots").GetArrayLength());
        await RefusedAsync(HttpStatusCode.Conflict, "hd.son", HttpMethod.Post, $"{sessionUrl}/dossiers/{id}/ballot", new { choice = "Agree" });
        await RefusedAsync(HttpStatusCode.Conflict, "hd.thu", HttpMethod.Post, $"{sessionUrl}/close");
        dossier = await OkAsync("ct.tinh", HttpMethod.Get, url);
        Assert.Equal(["recognitionDecision"], OpenSteps(dossier));
        Assert.Equal("InProgress", dossier.GetProperty("status").GetString());

        // The minutes and the draft decision, as Word documents.
        var minutes = await CouncilDocx.TextAsync(await RawAsync("hd.thu", $"{sessionUrl}/minutes.docx"));
        Assert.Contains("Thông qua", minutes, StringComparison.Ordinal);
        Assert.Contains("Tiêu chí môi trường còn phụ thuộc dự án chưa hoàn thành", minutes, StringComparison.Ordinal);
        var draft = await CouncilDocx.TextAsync(await RawAsync("vpdp", $"{sessionUrl}/draft-decision.docx"));
        Assert.Contains("Ngọc Đường", draft, StringComparison.Ordinal);

        // The chairman signs on paper; the office records number, date, signer and the scan; only then is the dossier recognised.
        await RefusedAsync(HttpStatusCode.Conflict, "vpdp", HttpMethod.Post, $"{url}/decision", new { decisionNumber = "1763/QĐ-UBND", decisionDate = today });
        var scan = "%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"u8.ToArray();
        var decisionUrl = $"{sessionUrl}/decision?number=1763%2FQĐ-UBND&signedOn={today:yyyy-MM-dd}&signer=Phó%20Chủ%20tịch%20UBND%20tỉnh&fileName=qd-1763.pdf";
        Assert.Equal(HttpStatusCode.Forbidden, (await RawAsync("ct.tinh", decisionUrl, HttpMethod.Post, scan)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await RawAsync("vpdp", decisionUrl, HttpMethod.Post, [])).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await RawAsync("vpdp", decisionUrl, HttpMethod.Post, "MZ\x90\0 not a scan"u8.ToArray())).StatusCode);
        Assert.Equal("InProgress", (await OkAsync("vpdp", HttpMethod.Get, url)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Created, (await RawAsync("vpdp", decisionUrl, HttpMethod.Post, scan)).StatusCode);
        dossier = await OkAsync("vpdp", HttpMethod.Get, url);
        Assert.Equal(("Recognised", "1763/QĐ-UBND", today), (dossier.GetProperty("status").GetString(), dossier.GetProperty("decisionNumber").GetString(), DateOnly.Parse(dossier.GetProperty("decisionDate").GetString()!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Empty(OpenSteps(dossier));
        var stored = await RawAsync("ct.tinh", $"{sessionUrl}/decision/scan");
        Assert.Equal(scan, await stored.Content.ReadAsByteArrayAsync());

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
        Assert.Contains(("vpdp", "dossier.decided"), actions);
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

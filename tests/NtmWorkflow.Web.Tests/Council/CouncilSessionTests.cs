using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Web.Features.Audit;

namespace NtmWorkflow.Web.Tests.Council;

/// <summary>
/// Council sessions on the API, on each provider: quorum not reached and the dossier's return to a later session,
/// recusal, abstentions and written votes by the province's rules, ballots that cannot be cast twice or after the
/// close, two members voting at the same instant, and a member whose term ended. The council of Tuyên Quang (08) has
/// five voting members (quorum ≥ 2/3 of them: 4) and a secretary; two dossiers wait for it.
/// </summary>
public abstract class CouncilSessionTests : CouncilTestHost
{
    private static string Today => DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Plans a session with the dossiers, calls the roll with <paramref name="present"/>, presents both reports: voting is open.</summary>
    private async Task<string> VotingSessionAsync(string[] present, params Guid[] dossiers)
    {
        var session = await OkAsync("vpdp", HttpMethod.Post, "/api/council/08/sessions", new { meetsOn = Today, venue = "Hội trường UBND tỉnh", dossierIds = dossiers }, HttpStatusCode.Created);
        var url = $"/api/council/sessions/{session.GetProperty("id").GetString()}";
        await OkAsync("hd.thu", HttpMethod.Post, $"{url}/roll-call", new { present });
        await OkAsync("hd.thu", HttpMethod.Post, $"{url}/reports/appraisal");
        await OkAsync("hd.thu", HttpMethod.Post, $"{url}/reports/satisfaction");
        return url;
    }

    private Task<JsonElement> VoteAsync(string url, string member, Guid dossier, string choice, string? reason = null) =>
        OkAsync(member, HttpMethod.Post, $"{url}/dossiers/{dossier}/ballot", new { choice, reason }, HttpStatusCode.Created);

    private async Task<JsonElement> CloseAsync(string url) => await OkAsync("hd.thu", HttpMethod.Post, $"{url}/close");

    private static JsonElement Item(JsonElement session, Guid dossier) =>
        session.GetProperty("agenda").EnumerateArray().Single(a => a.GetProperty("dossierId").GetString() == dossier.ToString());

    private async Task AssertDossierAsync(Guid id, string status, params string[] steps)
    {
        var (actualStatus, actualSteps) = await DossierAsync(id);
        Assert.Equal(status, actualStatus);
        Assert.Equal(steps, actualSteps);
    }

    private async Task<(string Status, List<string> Steps)> DossierAsync(Guid id)
    {
        var dossier = await OkAsync("vpdp", HttpMethod.Get, $"/api/dossiers/{id}");
        return (dossier.GetProperty("status").GetString()!, [.. dossier.GetProperty("openTasks").EnumerateArray().Select(t => t.GetProperty("elementId").GetString()!)]);
    }

    private Task<JsonElement> SetRuleAsync(string name, object value) =>
        OkAsync("admin", HttpMethod.Put, $"/api/legal-parameters/{name}/provinces/08", new { value, source = "Quy chế hoạt động của Hội đồng (thử nghiệm)", verified = false });

    [Fact]
    public async Task Without_a_quorum_the_dossier_returns_for_a_later_session_and_the_approval_boundary_is_exact()
    {
        // 3 of 5 present: 3 × 3 = 9 < 2 × 5 = 10, no quorum, however unanimous.
        var first = await VotingSessionAsync(["hd.an", "hd.son", "hd.binh"], NgocDuong);

        // The members and the secretary were invited by mail when the session was planned.
        var invitation = JsonSerializer.Deserialize<NtmWorkflow.Web.Features.Notifications.EmailPayload>(
            await QueryAsync(db => db.OutboxMessages.Where(m => m.ElementId == "inviteMembers").Select(m => m.Payload).SingleAsync()), NtmWorkflow.Web.Features.Notifications.EmailPayload.Json)!;
        Assert.Equal([.. Voters.Append("hd.thu").Order(StringComparer.Ordinal)], invitation.To.Select(a => a.Split('@')[0]).Order(StringComparer.Ordinal));
        Assert.Contains("Xã Ngọc Đường (2025-NTM-00700)", invitation.Body, StringComparison.Ordinal);
        foreach (var member in new[] { "hd.an", "hd.son", "hd.binh" })
        {
            await VoteAsync(first, member, NgocDuong, "Agree");
        }

        var tallied = await CloseAsync(first);
        var item = Item(tallied, NgocDuong);
        Assert.Equal(("NoQuorum", 5, 3, 3), (item.GetProperty("outcome").GetString(), item.GetProperty("membersInForce").GetInt32(), item.GetProperty("attending").GetInt32(), item.GetProperty("agree").GetInt32()));
        await AssertDossierAsync(NgocDuong, "InProgress", "scheduleCouncil");

        // A later session with 4 of 5 present: quorum. 3 of 4 agree passes; 2 of 4 is not more than half.
        var second = await VotingSessionAsync(["hd.an", "hd.son", "hd.binh", "hd.cuong"], NgocDuong, PhuLinh);
        await VoteAsync(second, "hd.an", NgocDuong, "Agree");
        await VoteAsync(second, "hd.son", NgocDuong, "Agree");
        await VoteAsync(second, "hd.binh", NgocDuong, "Agree");
        await VoteAsync(second, "hd.cuong", NgocDuong, "Disagree", "Chưa đủ hồ sơ minh chứng chỉ tiêu 17.10");
        await VoteAsync(second, "hd.an", PhuLinh, "Agree");
        await VoteAsync(second, "hd.son", PhuLinh, "Agree");
        await VoteAsync(second, "hd.binh", PhuLinh, "Disagree", "Thu nhập bình quân chưa được điều tra độc lập");
        await VoteAsync(second, "hd.cuong", PhuLinh, "Disagree", "Đồng ý với ý kiến của Ủy ban MTTQ");
        tallied = await CloseAsync(second);
        Assert.Equal(("Passed", 4, 3, 3), (Item(tallied, NgocDuong).GetProperty("outcome").GetString(), Item(tallied, NgocDuong).GetProperty("approvalBase").GetInt32(),
            Item(tallied, NgocDuong).GetProperty("agree").GetInt32(), Item(tallied, NgocDuong).GetProperty("agreeNeeded").GetInt32()));
        Assert.Equal(("NotPassed", 2, 3), (Item(tallied, PhuLinh).GetProperty("outcome").GetString(), Item(tallied, PhuLinh).GetProperty("agree").GetInt32(), Item(tallied, PhuLinh).GetProperty("agreeNeeded").GetInt32()));

        // The step that ended the rejected dossier's process closed it, before anyone opened it (the dashboard counts it at once); opening it later closes nothing twice.
        Assert.Equal(NtmWorkflow.Web.Features.Dossiers.DossierStatus.NotRecognised, await QueryAsync(db => db.Dossiers.Where(d => d.Id == PhuLinh).Select(d => d.Status).SingleAsync()));
        await AssertDossierAsync(NgocDuong, "InProgress", "recognitionDecision");
        Assert.Equal("NotRecognised", (await DossierAsync(PhuLinh)).Status);
        Assert.Equal(1, await QueryAsync(db => db.AuditEntries.CountAsync(a => a.Subject == $"dossier/{PhuLinh}" && a.Action == "dossier.closed")));
        Assert.Empty((await DossierAsync(PhuLinh)).Steps);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"{second}/minutes.docx");
        request.Headers.Add("X-Acting-User", "hd.thu");
        var minutes = await CouncilDocx.TextAsync(await Client.SendAsync(request));
        Assert.Contains("Thu nhập bình quân chưa được điều tra độc lập", minutes, StringComparison.Ordinal);
        Assert.Contains("Không thông qua", minutes, StringComparison.Ordinal);
        Assert.Null(await QueryAsync(db => AuditTrail.VerifyAsync(db, CancellationToken.None)));
    }

    [Fact]
    public async Task A_recused_member_leaves_the_approval_base_and_abstaining_follows_the_provinces_rules()
    {
        var url = await VotingSessionAsync(Voters, NgocDuong);
        await RefusedAsync(HttpStatusCode.BadRequest, "hd.dung", HttpMethod.Post, $"{url}/dossiers/{NgocDuong}/ballot", new { choice = "Recused" });
        var abstain = await RefusedAsync(HttpStatusCode.Conflict, "hd.dung", HttpMethod.Post, $"{url}/dossiers/{NgocDuong}/ballot", new { choice = "Abstain" });
        Assert.Contains("council.abstentionAllowed", abstain.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The province allows abstaining, outside the base: 2 agree of 5 present, 1 recused, 1 abstaining → 2 of 3 voting.
        await SetRuleAsync("council.abstentionAllowed", true);
        await SetRuleAsync("council.abstentionsInBase", false);
        await VoteAsync(url, "hd.an", NgocDuong, "Agree");
        await VoteAsync(url, "hd.son", NgocDuong, "Agree");
        await VoteAsync(url, "hd.binh", NgocDuong, "Disagree", "Chỉ tiêu 13.1 chưa đạt thực chất");
        await VoteAsync(url, "hd.cuong", NgocDuong, "Recused", "Nguyên Chủ tịch UBND xã Ngọc Đường");
        await VoteAsync(url, "hd.dung", NgocDuong, "Abstain");
        var item = Item(await CloseAsync(url), NgocDuong);
        Assert.Equal(("Passed", 5, 1, 1, 3, 2), (item.GetProperty("outcome").GetString(), item.GetProperty("attending").GetInt32(), item.GetProperty("recused").GetInt32(),
            item.GetProperty("abstain").GetInt32(), item.GetProperty("approvalBase").GetInt32(), item.GetProperty("agreeNeeded").GetInt32()));
    }

    [Fact]
    public async Task An_absent_member_votes_in_writing_only_where_the_province_allows_it()
    {
        var url = await VotingSessionAsync(["hd.an", "hd.son", "hd.binh", "hd.cuong"], NgocDuong);
        var refused = await RefusedAsync(HttpStatusCode.Conflict, "hd.dung", HttpMethod.Post, $"{url}/dossiers/{NgocDuong}/ballot", new { choice = "Agree" });
        Assert.Contains("council.writtenVotesAllowed", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Allowed and counted as present: 2 agree in the room + 1 written of 5 attending is more than half; 2 of 5 would not be.
        await SetRuleAsync("council.writtenVotesAllowed", true);
        await SetRuleAsync("council.writtenVotesCountAsPresent", true);
        var written = await VoteAsync(url, "hd.dung", NgocDuong, "Agree");
        Assert.True(written.GetProperty("written").GetBoolean());
        await VoteAsync(url, "hd.an", NgocDuong, "Agree");
        await VoteAsync(url, "hd.son", NgocDuong, "Agree");
        await VoteAsync(url, "hd.binh", NgocDuong, "Disagree", "Rác thải sinh hoạt chưa được thu gom ở 2 thôn");
        await VoteAsync(url, "hd.cuong", NgocDuong, "Disagree", "Như ý kiến ông Bình");
        var item = Item(await CloseAsync(url), NgocDuong);
        Assert.Equal(("Passed", 5, 3, 1), (item.GetProperty("outcome").GetString(), item.GetProperty("attending").GetInt32(), item.GetProperty("agree").GetInt32(), item.GetProperty("writtenVotes").GetInt32()));
    }

    [Fact]
    public async Task Two_members_voting_at_the_same_instant_both_count_and_a_ballot_sent_twice_at_once_is_taken_once()
    {
        var url = await VotingSessionAsync(Voters, NgocDuong);
        var sameInstant = await Task.WhenAll(
            SendAsync("hd.an", HttpMethod.Post, $"{url}/dossiers/{NgocDuong}/ballot", new { choice = "Agree" }),
            SendAsync("hd.son", HttpMethod.Post, $"{url}/dossiers/{NgocDuong}/ballot", new { choice = "Agree" }),
            SendAsync("hd.binh", HttpMethod.Post, $"{url}/dossiers/{NgocDuong}/ballot", new { choice = "Agree" }),
            SendAsync("hd.cuong", HttpMethod.Post, $"{url}/dossiers/{NgocDuong}/ballot", new { choice = "Agree" }),
            SendAsync("hd.cuong", HttpMethod.Post, $"{url}/dossiers/{NgocDuong}/ballot", new { choice = "Disagree", reason = "Bấm nhầm" }));
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created], sameInstant.Take(3).Select(r => r.StatusCode));
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], sameInstant.Skip(3).Select(r => r.StatusCode).Order());
        var ballots = await QueryAsync(db => db.CouncilBallots.Where(b => b.DossierId == NgocDuong).Select(b => b.UserName).ToListAsync());
        Assert.Equal(["hd.an", "hd.binh", "hd.cuong", "hd.son"], ballots.Order());
        Assert.Equal(4, await QueryAsync(db => db.CouncilSessions.Select(s => s.BallotsCast).SingleAsync()));

        // Every member's ballot task closed with the ballot; the one left is hd.dung's, withdrawn at the close.
        var session = await OkAsync("hd.thu", HttpMethod.Get, url);
        var open = await OkAsync(null, HttpMethod.Get, $"/api/tasks?instanceId={session.GetProperty("instanceId").GetString()}");
        Assert.Equal(["hd.dung"], open.EnumerateArray().Select(t => t.GetProperty("assignee").GetString()));
        var item = Item(await CloseAsync(url), NgocDuong);
        Assert.Equal(("Passed", 5, 1), (item.GetProperty("outcome").GetString(), item.GetProperty("attending").GetInt32(), item.GetProperty("notVoted").GetInt32()));
        Assert.Empty((await OkAsync(null, HttpMethod.Get, $"/api/tasks?instanceId={session.GetProperty("instanceId").GetString()}")).EnumerateArray());
        var late = await RefusedAsync(HttpStatusCode.Conflict, "hd.dung", HttpMethod.Post, $"{url}/dossiers/{NgocDuong}/ballot", new { choice = "Agree" });
        Assert.Contains("closed", late.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(4, await QueryAsync(db => db.CouncilBallots.CountAsync()));
    }

    [Fact]
    public async Task A_member_whose_term_ended_before_the_session_day_does_not_sit_and_cannot_vote()
    {
        var members = await OkAsync("vpdp", HttpMethod.Get, "/api/council/08/members");
        var dung = members.EnumerateArray().Single(m => m.GetProperty("userName").GetString() == "hd.dung").GetProperty("id").GetInt32();
        var yesterday = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7)).AddDays(-1);
        await RefusedAsync(HttpStatusCode.Forbidden, "xa.lan", HttpMethod.Post, $"/api/council/08/members/{dung}/end", new { lastDay = yesterday });
        await OkAsync("admin", HttpMethod.Post, $"/api/council/08/members/{dung}/end", new { lastDay = yesterday });

        var url = await VotingSessionAsync(["hd.an", "hd.son", "hd.binh", "hd.cuong"], NgocDuong);
        var session = await OkAsync("hd.thu", HttpMethod.Get, url);
        Assert.DoesNotContain("hd.dung", session.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("userName").GetString()));
        await RefusedAsync(HttpStatusCode.Forbidden, "hd.dung", HttpMethod.Post, $"{url}/dossiers/{NgocDuong}/ballot", new { choice = "Agree" });

        // Four members in force, all present: quorum is 2/3 of 4, and 3 agreeing of 4 passes.
        foreach (var member in new[] { "hd.an", "hd.son", "hd.binh" })
        {
            await VoteAsync(url, member, NgocDuong, "Agree");
        }

        var item = Item(await CloseAsync(url), NgocDuong);
        Assert.Equal(("Passed", 4, 4, 1), (item.GetProperty("outcome").GetString(), item.GetProperty("membersInForce").GetInt32(), item.GetProperty("attending").GetInt32(), item.GetProperty("notVoted").GetInt32()));
    }

    [Fact]
    public async Task A_dossier_that_no_longer_meets_every_indicator_cannot_go_on_the_agenda_and_a_bad_plan_changes_nothing()
    {
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NtmWorkflow.Web.Persistence.AppDbContext>();
            var row = await db.DossierIndicators.FirstAsync(i => i.DossierId == PhuLinh && i.Number == "17.10");
            row.Met = false;
            await db.SaveChangesAsync();
        }

        var refused = await RefusedAsync(HttpStatusCode.UnprocessableEntity, "vpdp", HttpMethod.Post, "/api/council/08/sessions",
            new { meetsOn = Today, venue = "Hội trường", dossierIds = new[] { NgocDuong, PhuLinh } });
        Assert.Contains("17.10", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await RefusedAsync(HttpStatusCode.UnprocessableEntity, "vpdp", HttpMethod.Post, "/api/council/08/sessions", new { meetsOn = "2020-01-01", venue = "", dossierIds = new[] { NgocDuong } });
        Assert.Equal(0, await QueryAsync(db => db.CouncilSessions.CountAsync()));
        await AssertDossierAsync(NgocDuong, "InProgress", "scheduleCouncil");
    }
}

public sealed class CouncilSessionTests_Sqlite : CouncilSessionTests;

[Trait("Db", "Postgres")]
public sealed class CouncilSessionTests_Postgres : CouncilSessionTests
{
    protected override bool OnPostgres => true;
}

using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Web.Features.Council;

namespace NtmWorkflow.Web.Tests.Council;

/// <summary>
/// The council's pages over HTTP, as the officials use them (SQLite, demo data): the coordination office plans a
/// session, the secretary calls the roll and records both reports, the members vote on their ballot page (a refusal
/// shown and nothing stored, no second ballot), the secretary closes, the results and papers appear, and the office
/// records the signed decision with its scan, which recognises the passed dossier. The council of Tuyên Quang (08)
/// has five voting members and a secretary; two dossiers wait for it.
/// </summary>
public sealed class CouncilPagesTests : CouncilTestHost
{
    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow.AddHours(7));

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_session_runs_from_the_pages_planning_roll_call_reports_ballots_close_results_papers_and_the_recorded_decision()
    {
        // The office finds both dossiers waiting, from its inbox too, and plans the session.
        using var vpdp = await SignedInAsync("vpdp");
        var inbox = await vpdp.GetStringAsync("/inbox");
        Assert.Contains("href=\"/council\" data-council-task=\"ntm:council-agenda\"", inbox, StringComparison.Ordinal);
        var council = await vpdp.GetStringAsync("/council");
        Assert.Contains("id=\"council-link\"", council, StringComparison.Ordinal);
        Assert.Contains("Lập phiên họp", council, StringComparison.Ordinal);
        Assert.Contains($"name=\"dossierIds\" value=\"{NgocDuong}\"", council, StringComparison.Ordinal);
        Assert.Contains($"name=\"dossierIds\" value=\"{PhuLinh}\"", council, StringComparison.Ordinal);
        Assert.Contains("Xã Ngọc Đường", council, StringComparison.Ordinal);
        Assert.Contains("id=\"no-sessions\"", council, StringComparison.Ordinal);

        // A plan without a venue is refused with the service's words, and plans nothing.
        var refusedPlan = await PostAsync(vpdp, "/council", "/council?province=08&handler=Plan",
            ("meetsOn", Iso(Today)), ("venue", ""), ("dossierIds", NgocDuong.ToString()));
        Assert.Contains("venue (1 to 300 characters) is required.", await vpdp.GetStringAsync(Location(refusedPlan)), StringComparison.Ordinal);
        Assert.Equal(0, await QueryAsync(db => db.CouncilSessions.CountAsync()));

        var planned = await PostAsync(vpdp, "/council", "/council?province=08&handler=Plan",
            ("meetsOn", Iso(Today)), ("venue", "Hội trường UBND tỉnh"), ("dossierIds", NgocDuong.ToString()), ("dossierIds", PhuLinh.ToString()));
        Assert.Equal(HttpStatusCode.Redirect, planned.StatusCode);
        var url = Location(planned);
        Assert.Matches("^/council/sessions/[0-9a-f-]{36}$", url);
        var sessionId = Guid.Parse(url[(url.LastIndexOf('/') + 1)..]);
        var page = await vpdp.GetStringAsync(url);
        Assert.Contains("Đã lập phiên họp.", page, StringComparison.Ordinal);
        Assert.Contains($"HĐTĐ-08-{Today.Year}-01", page, StringComparison.Ordinal);
        Assert.Contains("data-state=\"Planned\">Đã lập chương trình", page, StringComparison.Ordinal);
        Assert.Contains("Hội trường UBND tỉnh", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-action=\"roll-call\"", page, StringComparison.Ordinal); // the office does not call the roll
        var list = await vpdp.GetStringAsync("/council");
        Assert.Contains($"<a href=\"{url}\">HĐTĐ-08-{Today.Year}-01</a>", list, StringComparison.Ordinal);
        Assert.Contains(Today.ToString("dd/MM/yyyy", System.Globalization.CultureInfo.InvariantCulture), list, StringComparison.Ordinal);
        Assert.Contains("id=\"no-candidates\"", list, StringComparison.Ordinal);

        // The secretary: roll call (hd.dung absent), then the two reports in order; her inbox leads to the session page.
        using var thu = await SignedInAsync("hd.thu");
        Assert.Contains($"href=\"{url}\" data-council-task=\"ntm:council-opening\"", await thu.GetStringAsync("/inbox"), StringComparison.Ordinal);
        page = await thu.GetStringAsync(url);
        Assert.Contains("data-action=\"roll-call\"", page, StringComparison.Ordinal);
        Assert.Contains("Chủ tịch Hội đồng", page, StringComparison.Ordinal);
        Assert.Contains("Thư ký", page, StringComparison.Ordinal);
        page = await FollowAsync(thu, await PostAsync(thu, url, $"{url}?handler=RollCall",
            ("present", "hd.an"), ("present", "hd.son"), ("present", "hd.binh"), ("present", "hd.cuong")));
        Assert.Contains("Đã khai mạc phiên họp.", page, StringComparison.Ordinal);
        Assert.Contains("data-member=\"hd.dung\" data-attendance=\"Absent\"", page, StringComparison.Ordinal);
        Assert.Contains("data-member=\"hd.son\" data-attendance=\"Present\"", page, StringComparison.Ordinal);
        Assert.Contains("data-action=\"report-appraisal\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-action=\"report-satisfaction\"", page, StringComparison.Ordinal);

        // A member cannot take the secretary's step: the refusal is shown, nothing moves.
        using var son = await SignedInAsync("hd.son");
        page = await FollowAsync(son, await PostAsync(son, url, $"{url}?handler=Report", ("report", "appraisal")));
        Assert.Contains("it is the secretary's.", WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        Assert.Contains("data-state=\"Opened\"", page, StringComparison.Ordinal);

        page = await FollowAsync(thu, await PostAsync(thu, url, $"{url}?handler=Report", ("report", "appraisal")));
        Assert.Contains("data-action=\"report-satisfaction\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-action=\"report-appraisal\"", page, StringComparison.Ordinal);
        page = await FollowAsync(thu, await PostAsync(thu, url, $"{url}?handler=Report", ("report", "satisfaction")));
        Assert.Contains("data-state=\"Voting\">Đang biểu quyết", page, StringComparison.Ordinal);
        Assert.Contains("data-action=\"close\"", page, StringComparison.Ordinal);
        Assert.Contains("0/5 phiếu", page, StringComparison.Ordinal);

        // A member: the inbox and the session page lead to the ballot page, one card per dossier.
        var ballotUrl = $"{url}/ballot";
        Assert.Contains($"href=\"{ballotUrl}\" data-council-task=\"ntm:council-ballot\"", await son.GetStringAsync("/inbox"), StringComparison.Ordinal);
        Assert.Contains($"data-action=\"ballot\" href=\"{ballotUrl}\"", await son.GetStringAsync(url), StringComparison.Ordinal);
        var ballot = await son.GetStringAsync(ballotUrl);
        Assert.Contains($"data-dossier=\"{NgocDuong}\"", ballot, StringComparison.Ordinal);
        Assert.Contains($"data-dossier=\"{PhuLinh}\"", ballot, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(ballot, "data-action=\"cast\""));
        Assert.Contains("name=\"choice\" value=\"Recused\"", ballot, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"Abstain\"", ballot, StringComparison.Ordinal); // the province does not allow abstaining
        Assert.Contains("Bắt buộc ghi lý do khi Không đồng ý", ballot, StringComparison.Ordinal);

        // Disagreeing without a reason: the message, and no ballot.
        ballot = await CastAsync(son, ballotUrl, NgocDuong, "Disagree", "");
        Assert.Contains("A vote against gives its reason in writing.", ballot, StringComparison.Ordinal);
        Assert.Equal(0, await QueryAsync(db => db.CouncilBallots.CountAsync()));

        // Agreeing: final, shown without a form; a forged second ballot is refused with the message and changes nothing.
        ballot = await CastAsync(son, ballotUrl, NgocDuong, "Agree", "");
        Assert.Contains("Đã gửi phiếu.", ballot, StringComparison.Ordinal);
        var card = Card(ballot, NgocDuong);
        Assert.Contains("data-state=\"final\" data-choice=\"Agree\"", card, StringComparison.Ordinal);
        Assert.Contains("Phiếu đã gửi không thể thay đổi.", card, StringComparison.Ordinal);
        Assert.DoesNotContain("data-action=\"cast\"", card, StringComparison.Ordinal);
        Assert.Contains("data-action=\"cast\"", Card(ballot, PhuLinh), StringComparison.Ordinal);
        ballot = await CastAsync(son, ballotUrl, NgocDuong, "Disagree", "Đổi ý");
        Assert.Contains("has already voted on", ballot, StringComparison.Ordinal);
        var stored = await QueryAsync(db => db.CouncilBallots.Where(b => b.UserName == "hd.son").ToListAsync());
        Assert.Equal(BallotChoice.Agree, Assert.Single(stored).Choice);

        // The others vote; Phú Linh is turned down.
        using var an = await SignedInAsync("hd.an");
        using var binh = await SignedInAsync("hd.binh");
        using var cuong = await SignedInAsync("hd.cuong");
        await CastAsync(an, ballotUrl, NgocDuong, "Agree", "");
        await CastAsync(binh, ballotUrl, NgocDuong, "Agree", "");
        await CastAsync(cuong, ballotUrl, NgocDuong, "Disagree", "Chưa đủ minh chứng chỉ tiêu 17.10");
        await CastAsync(an, ballotUrl, PhuLinh, "Disagree", "Thu nhập bình quân chưa được điều tra độc lập");
        await CastAsync(son, ballotUrl, PhuLinh, "Disagree", "Như ý kiến ông An");
        await CastAsync(binh, ballotUrl, PhuLinh, "Disagree", "Rác thải chưa được thu gom ở 2 thôn");
        await CastAsync(cuong, ballotUrl, PhuLinh, "Agree", "");
        Assert.Equal(8, await QueryAsync(db => db.CouncilBallots.CountAsync()));

        // While voting: counts only, and the viewer's own ballots; nobody else's reason.
        page = await son.GetStringAsync(url);
        Assert.Equal(2, Regex.Count(page, "4/5 phiếu"));
        Assert.DoesNotContain("Chưa đủ minh chứng chỉ tiêu 17.10", page, StringComparison.Ordinal);
        Assert.Contains("Như ý kiến ông An", page, StringComparison.Ordinal);

        // The absent member learns that the province takes no written votes, and has no form.
        using var dung = await SignedInAsync("hd.dung");
        var absent = await dung.GetStringAsync(ballotUrl);
        Assert.Contains("data-written=\"refused\"", absent, StringComparison.Ordinal);
        Assert.Contains("không nhận biểu quyết bằng văn bản", absent, StringComparison.Ordinal);
        Assert.DoesNotContain("data-action=\"cast\"", absent, StringComparison.Ordinal);

        // The close: outcomes in words, the numbers and every ballot.
        page = await FollowAsync(thu, await PostAsync(thu, url, $"{url}?handler=Close"));
        Assert.Contains("Đã kết thúc phiên họp và kiểm phiếu.", page, StringComparison.Ordinal);
        Assert.Contains("data-state=\"Tallied\">Đã kiểm phiếu", page, StringComparison.Ordinal);
        var passed = Result(page, NgocDuong);
        Assert.Contains("data-outcome=\"Passed\"", passed, StringComparison.Ordinal);
        Assert.Contains("<strong>Thông qua</strong>", passed, StringComparison.Ordinal);
        Assert.Equal(("4/5", "3", "1", "0", "0", "0"), (Count(passed, "attending"), Count(passed, "agree"), Count(passed, "disagree"), Count(passed, "abstain"), Count(passed, "recused"), Count(passed, "not-voted")));
        Assert.Equal(("0", "4", "3"), (Count(passed, "written"), Count(passed, "approval-base"), Count(passed, "agree-needed")));
        Assert.Contains("data-ballot=\"hd.cuong\" data-choice=\"Disagree\"", passed, StringComparison.Ordinal);
        Assert.Contains("Chưa đủ minh chứng chỉ tiêu 17.10", passed, StringComparison.Ordinal);
        Assert.Contains("Đỗ Văn Sơn", passed, StringComparison.Ordinal);
        Assert.Equal(4, Regex.Count(passed, "data-ballot="));
        var turnedDown = Result(page, PhuLinh);
        Assert.Contains("<strong>Không thông qua</strong>", turnedDown, StringComparison.Ordinal);
        Assert.Equal(("1", "3"), (Count(turnedDown, "agree"), Count(turnedDown, "disagree")));
        Assert.Contains("Thu nhập bình quân chưa được điều tra độc lập", turnedDown, StringComparison.Ordinal);
        Assert.Contains("data-action=\"minutes\"", page, StringComparison.Ordinal);
        Assert.Contains("data-action=\"draft-decision\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-action=\"close\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-action=\"record-decision\"", page, StringComparison.Ordinal); // the secretary does not record it
        Assert.Contains("Phiên họp đã kết thúc; không nhận thêm phiếu.", await dung.GetStringAsync(ballotUrl), StringComparison.Ordinal);

        // The minutes: a Word document with the tally table and the dissents; the draft decision names the passed commune.
        var minutes = await CouncilDocx.TextAsync(await thu.GetAsync($"{url}?handler=Minutes"));
        var nl = Environment.NewLine;
        Assert.Contains(string.Join(nl, "4/5", "3", "1", "0", "0", "4", "3", "Thông qua"), minutes, StringComparison.Ordinal);
        Assert.Contains(string.Join(nl, "4/5", "1", "3", "0", "0", "4", "3", "Không thông qua"), minutes, StringComparison.Ordinal);
        Assert.Contains("Chưa đủ minh chứng chỉ tiêu 17.10", minutes, StringComparison.Ordinal);
        var draft = await CouncilDocx.TextAsync(await vpdp.GetAsync($"{url}?handler=DraftDecision"));
        Assert.Contains("Ngọc Đường", draft, StringComparison.Ordinal);
        Assert.DoesNotContain("Phú Linh", draft, StringComparison.Ordinal);

        // The office's inbox leads the decision step to this session; it records the signed decision with its scan.
        Assert.Contains($"href=\"{url}\" data-council-task=\"ntm:recognition-decision\"", await vpdp.GetStringAsync("/inbox"), StringComparison.Ordinal);
        page = await vpdp.GetStringAsync(url);
        Assert.Contains("data-action=\"record-decision\"", page, StringComparison.Ordinal);
        var pdf = "%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"u8.ToArray();
        page = await FollowAsync(vpdp, await RecordAsync(vpdp, url, "1763", Today, "Phó Chủ tịch Nguyễn Văn A", null));
        Assert.Contains("number is the decision's number and symbol", WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        Assert.Contains("The signed scan (PDF or image) is required.", page, StringComparison.Ordinal);
        Assert.Equal(0, await QueryAsync(db => db.RecognitionDecisions.CountAsync()));

        page = await FollowAsync(vpdp, await RecordAsync(vpdp, url, "1763/QĐ-UBND", Today, "Phó Chủ tịch Nguyễn Văn A", pdf));
        Assert.Contains("Đã ghi nhận quyết định", page, StringComparison.Ordinal);
        Assert.Contains("data-state=\"Decided\"", page, StringComparison.Ordinal);
        Assert.Contains("<dd id=\"decision-number\">1763/QĐ-UBND</dd>", page, StringComparison.Ordinal);
        Assert.Contains("Phó Chủ tịch Nguyễn Văn A", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-action=\"record-decision\"", page, StringComparison.Ordinal);
        var scan = await vpdp.GetAsync($"{url}?handler=Scan");
        Assert.Equal("application/pdf", scan.Content.Headers.ContentType?.MediaType);
        Assert.Equal(pdf, await scan.Content.ReadAsByteArrayAsync());

        var dossier = await vpdp.GetStringAsync($"/dossiers/{NgocDuong}");
        Assert.Contains("<dd id=\"dossier-status\">Được công nhận</dd>", dossier, StringComparison.Ordinal);
        Assert.Contains("1763/QĐ-UBND", dossier, StringComparison.Ordinal);
        Assert.Contains("data-state=\"Decided\">Đã có quyết định công nhận", await vpdp.GetStringAsync("/council"), StringComparison.Ordinal);
        Assert.Equal(sessionId, await QueryAsync(db => db.RecognitionDecisions.Select(d => d.SessionId).SingleAsync()));
    }

    [Fact]
    public async Task The_members_page_appoints_for_a_term_refuses_a_second_chair_and_ends_a_term()
    {
        using var vpdp = await SignedInAsync("vpdp");
        var page = await vpdp.GetStringAsync("/council/members");
        Assert.Contains("data-member=\"hd.an\" data-position=\"Chair\"", page, StringComparison.Ordinal);
        Assert.Contains("Phó Chủ tịch Hội đồng", page, StringComparison.Ordinal);
        Assert.Contains("data-action=\"appoint\"", page, StringComparison.Ordinal);
        Assert.Contains("01/01/2026 – …", page, StringComparison.Ordinal);

        page = await FollowAsync(vpdp, await PostAsync(vpdp, "/council/members", "/council/members?province=08&handler=Appoint",
            ("userName", "so.hoa"), ("position", "Member"), ("title", "Giám đốc Sở Nội vụ"), ("from", Iso(Today)), ("to", ""), ("appointedBy", "QĐ 512/QĐ-UBND ngày 10/3/2026")));
        Assert.Contains("Đã bổ nhiệm thành viên.", page, StringComparison.Ordinal);
        var row = Regex.Match(page, "<tr data-member=\"so.hoa\" data-position=\"Member\">.*?</tr>", RegexOptions.Singleline).Value;
        Assert.Contains("Phạm Thị Hoa", row, StringComparison.Ordinal);
        Assert.Contains("Ủy viên", row, StringComparison.Ordinal);
        Assert.Contains("Giám đốc Sở Nội vụ", row, StringComparison.Ordinal);
        Assert.Contains("QĐ 512/QĐ-UBND ngày 10/3/2026", row, StringComparison.Ordinal);

        // A second chair for the same days: refused, with the message, and nothing stored.
        var before = await QueryAsync(db => db.CouncilMembers.CountAsync());
        page = await FollowAsync(vpdp, await PostAsync(vpdp, "/council/members", "/council/members?province=08&handler=Appoint",
            ("userName", "ct.tinh"), ("position", "Chair"), ("title", ""), ("from", Iso(Today)), ("to", ""), ("appointedBy", "")));
        Assert.Contains("id=\"council-problem\"", page, StringComparison.Ordinal);
        Assert.Contains("hd.an is already Chủ tịch Hội đồng for these days; end that term first.", page, StringComparison.Ordinal);
        Assert.Equal(before, await QueryAsync(db => db.CouncilMembers.CountAsync()));
        Assert.DoesNotContain("data-member=\"ct.tinh\"", page, StringComparison.Ordinal);

        // Ending so.hoa's term the day before it began moves it out of the members in office.
        var id = await QueryAsync(db => db.CouncilMembers.Where(m => m.UserName == "so.hoa").Select(m => m.Id).SingleAsync());
        page = await FollowAsync(vpdp, await PostAsync(vpdp, "/council/members", "/council/members?province=08&handler=End", ("memberId", id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("lastDay", Iso(Today.AddDays(-1)))));
        Assert.Contains("Đã kết thúc nhiệm kỳ.", page, StringComparison.Ordinal);
        var other = page[page.IndexOf("id=\"members-other\"", StringComparison.Ordinal)..];
        Assert.Contains("data-member=\"so.hoa\"", other, StringComparison.Ordinal);
        Assert.Equal(Today.AddDays(-1), await QueryAsync(db => db.CouncilMembers.Where(m => m.Id == id).Select(m => m.To).SingleAsync()));

        // A member reads the page but manages nothing.
        using var son = await SignedInAsync("hd.son");
        page = await son.GetStringAsync("/council/members");
        Assert.Contains("data-member=\"hd.an\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-action=\"appoint\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-action=\"end-term\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Lập phiên họp", await son.GetStringAsync("/council"), StringComparison.Ordinal);

        // In English, the same page in English words.
        await son.GetAsync("/culture/en?returnUrl=/");
        page = await son.GetStringAsync("/council/members");
        Assert.Contains("Council members", page, StringComparison.Ordinal);
        Assert.Contains("Members in office on", page, StringComparison.Ordinal);
        Assert.Contains("<td>Vice chair</td>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Phó Chủ tịch Hội đồng", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_commune_officer_has_no_council_pages_and_no_link_to_them()
    {
        using var vpdp = await SignedInAsync("vpdp");
        var planned = await PostAsync(vpdp, "/council", "/council?province=08&handler=Plan", ("meetsOn", Iso(Today)), ("venue", "Hội trường"), ("dossierIds", NgocDuong.ToString()));
        var url = Location(planned);

        using var lan = await SignedInAsync("xa.lan");
        Assert.DoesNotContain("id=\"council-link\"", await lan.GetStringAsync("/inbox"), StringComparison.Ordinal);
        foreach (var path in new[] { "/council", "/council/members", "/council/members?province=08", url, $"{url}/ballot", $"{url}?handler=Minutes" })
        {
            var response = await lan.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{path}: {(int)response.StatusCode}");
            Assert.Contains("Không có quyền truy cập", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Nor can a commune officer act on the session, token or not.
        var close = await PostAsync(lan, "/inbox", $"{url}?handler=Close");
        Assert.Equal(HttpStatusCode.Forbidden, close.StatusCode);
        Assert.Equal(CouncilSessionState.Planned, await QueryAsync(db => db.CouncilSessions.Select(s => s.State).SingleAsync()));

        // The secretary, not a voter, has no ballot page.
        using var thu = await SignedInAsync("hd.thu");
        Assert.Equal(HttpStatusCode.Forbidden, (await thu.GetAsync($"{url}/ballot")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await thu.GetAsync(url)).StatusCode);
    }

    private static string Location(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"expected a redirect, got {(int)response.StatusCode}");
        return response.Headers.Location!.ToString();
    }

    private static async Task<string> FollowAsync(HttpClient client, HttpResponseMessage response) => await client.GetStringAsync(Location(response));

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string pageUrl, string action, params (string Name, string Value)[] fields) =>
        PageForms.PostFormAsync(client, pageUrl, action, fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    /// <summary>Casts from the ballot page as the browser would; the page the redirect leads to.</summary>
    private static async Task<string> CastAsync(HttpClient client, string ballotUrl, Guid dossier, string choice, string reason) =>
        await FollowAsync(client, await PostAsync(client, ballotUrl, $"{ballotUrl}?handler=Cast", ("dossierId", dossier.ToString()), ("choice", choice), ("reason", reason)));

    /// <summary>The decision form, multipart with the scan (none when null).</summary>
    private static async Task<HttpResponseMessage> RecordAsync(HttpClient client, string url, string number, DateOnly signedOn, string signer, byte[]? scan)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(await PageForms.TokenAsync(client, url)), "__RequestVerificationToken" },
            { new StringContent(number), "number" },
            { new StringContent(Iso(signedOn)), "signedOn" },
            { new StringContent(signer), "signer" },
        };
        if (scan is not null)
        {
            var file = new ByteArrayContent(scan);
            file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
            form.Add(file, "scan", "qd-1763.pdf");
        }

        return await client.PostAsync($"{url}?handler=Decision", form);
    }

    /// <summary>A dossier's card on the ballot page.</summary>
    private static string Card(string html, Guid dossier) =>
        Regex.Match(html, $"<section class=\"ballot-card\" data-dossier=\"{dossier}\".*?</section>", RegexOptions.Singleline).Value;

    /// <summary>A dossier's result on the session page.</summary>
    private static string Result(string html, Guid dossier) =>
        Regex.Match(html, $"<article class=\"card result\" data-dossier=\"{dossier}\".*?</article>", RegexOptions.Singleline).Value;

    private static string Count(string result, string name) =>
        Regex.Match(result, $"data-count=\"{name}\">([^<]*)<").Groups[1].Value;
}

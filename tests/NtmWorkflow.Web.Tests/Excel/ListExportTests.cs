using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Council;
using NtmWorkflow.Web.Features.Notifications;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Infrastructure.Excel;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Tests.Excel;

/// <summary>
/// "Xuất Excel" on every list, over HTTP as the list's user: the link on the page carries the list's filters, the file has
/// the list's columns in Vietnamese, as many rows as the list counts for the same filters (every page of it), and the
/// cells the list shows; a filter narrows the file as it narrows the list; who cannot open a list cannot export it.
/// The fixture: three workflows of Xã Ngọc Đường (HS-A, HS-B, HS-C) waiting for its self-assessment; Ngọc Đường's
/// dossier at the departments' review; Phú Linh's on the agenda of a council session of Tuyên Quang; 30 sent mails and
/// a dead letter whose subject reads like a formula.
/// </summary>
public sealed partial class ListExportTests : AppTestHost
{
    private const string Formula = "=HYPERLINK(\"https://evil.example\",\"Nhắc việc\")";
    private string _sessionCode = "";

    protected override async Task SeedAsync()
    {
        await CreateOfficialAsync("xa.khac", "commune:00706", Roles.CommuneOfficer);
        var engine = App.Services.GetRequiredService<WorkflowEngine>();
        foreach (var key in new[] { "HS-A", "HS-B", "HS-C" })
        {
            await engine.StartAsync("ntm-commune-two-tier", new Dictionary<string, JsonNode?>
            {
                ["communeCode"] = "00700", ["provinceCode"] = "08", ["departments"] = new JsonArray(), ["councilMembers"] = new JsonArray(),
            }, key);
        }

        await DossierSeeds.AtDepartmentReviewAsync(App.Services, "xa.lan", "00700");

        await using var scope = App.Services.CreateAsyncScope();
        var organisation = scope.ServiceProvider.GetRequiredService<OrganisationService>();
        var council = scope.ServiceProvider.GetRequiredService<CouncilService>();
        var admin = (await organisation.FindOfficialAsync("admin", null, CancellationToken.None))!;
        foreach (var (member, position) in new[] { ("hd.son", CouncilPosition.Chair), ("hd.thu", CouncilPosition.Secretary) })
        {
            await council.AppointAsync(admin, "08", new AppointmentRequest(member, position, null, new DateOnly(2026, 1, 1), null, null), CancellationToken.None);
        }

        var waiting = await DossierSeeds.AwaitingCouncilAsync(App.Services, "xa.khac", "00706");
        var vpdp = (await organisation.FindOfficialAsync("vpdp", null, CancellationToken.None))!;
        var today = NtmWorkflow.Engine.Calendar.VietnamTime.VietnamDate(DateTimeOffset.UtcNow);
        _sessionCode = (await council.PlanAsync(vpdp, "08", new PlanSessionRequest(today, "Hội trường UBND tỉnh", [waiting]), CancellationToken.None)).Code;

        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var instance = await db.WorkflowInstances.Where(i => i.BusinessKey == "HS-A").Select(i => i.Id).SingleAsync();
        var created = new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);
        OutboxMessageRow Mail(string key, OutboxStatus status, string subject) => new()
        {
            DedupKey = key, Channel = EmailNotificationHandler.EmailChannel, InstanceId = instance, ElementId = "remindSelfAssessment",
            MessageId = MessageIds.FromDedupKey(key, "ntmworkflow.local"), Status = status, Attempts = status == OutboxStatus.Dead ? 8 : 1, CreatedAt = created,
            NextAttemptAt = created.AddHours(1), SentAt = status == OutboxStatus.Sent ? created.AddMinutes(1) : null,
            Payload = JsonSerializer.Serialize(new EmailPayload(["xa.lan@ntm.test"], subject, "Nội dung", []), EmailPayload.Json),
        };

        for (var i = 1; i <= 30; i++)
        {
            db.OutboxMessages.Add(Mail($"{instance}/sent/{i}", OutboxStatus.Sent, $"Đã gửi {i}"));
        }

        db.OutboxMessages.Add(Mail($"{instance}/dead/1", OutboxStatus.Dead, Formula));
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task The_inbox_exports_every_task_it_lists_with_its_columns_and_a_search_narrows_both()
    {
        using var lan = await SignedInAsync("xa.lan");
        var (count, book) = await ListAndExportAsync(lan, "/inbox", InboxCount());
        Assert.Equal(["Hồ sơ", "Xã", "Bước", "Ngày nhận", "Hạn xử lý", "Số ngày làm việc còn lại", "Tình trạng hạn", "Tham số pháp lý chưa xác minh", "Người xử lý"], book.Headers);
        Assert.True(count >= 3, $"the inbox lists {count} tasks");
        Assert.Equal(count, book.Rows.Count);
        var hsB = Assert.Single(book.Rows, r => Equals(r["Hồ sơ"], "HS-B"));
        Assert.Equal("Chưa có người nhận", hsB["Người xử lý"]);
        Assert.IsType<DateTime>(hsB["Ngày nhận"]);
        Assert.IsType<DateTime>(hsB["Hạn xử lý"]);
        Assert.IsType<double>(hsB["Số ngày làm việc còn lại"]);

        var (narrowed, found) = await ListAndExportAsync(lan, "/inbox?search=hs-b", InboxCount());
        Assert.Equal(1, narrowed);
        Assert.Equal("HS-B", Assert.Single(found.Rows)["Hồ sơ"]);

        // In English the same file has English headers.
        var english = await DownloadAsync(lan, "/inbox?handler=Excel&search=hs-b&culture=en", "hop-thu-cong-viec");
        Assert.Equal(["Dossier", "Commune", "Step"], english.Headers.Take(3));
        Assert.Equal("Unclaimed", Assert.Single(english.Rows)["Held by"]);
    }

    [Fact]
    public async Task The_instance_monitor_exports_every_instance_it_lists_and_a_filter_narrows_both()
    {
        using var admin = await SignedInAsync("admin");
        var (all, book) = await ListAndExportAsync(admin, "/admin/instances", MonitorCount());
        Assert.Equal(["Mã hồ sơ", "Quy trình", "Phiên bản", "Trạng thái", "Sự cố", "Tỉnh", "Xã", "Bắt đầu", "Cập nhật", "Hạn sớm nhất", "Có việc quá hạn", "Mã quy trình"],
            book.Headers);
        Assert.Equal(all, book.Rows.Count);
        var hsA = Assert.Single(book.Rows, r => Equals(r["Mã hồ sơ"], "HS-A"));
        Assert.Equal(("ntm-commune-two-tier", "Đang chạy", "Không", "08"), (hsA["Quy trình"], hsA["Trạng thái"], hsA["Sự cố"], hsA["Tỉnh"]));
        Assert.IsType<double>(hsA["Phiên bản"]);
        Assert.IsType<DateTime>(hsA["Bắt đầu"]);

        var (phuLinh, narrowed) = await ListAndExportAsync(admin, "/admin/instances?commune=00706", MonitorCount());
        Assert.InRange(phuLinh, 1, all - 1);
        Assert.Equal(phuLinh, narrowed.Rows.Count);
        Assert.All(narrowed.Rows, r => Assert.Equal("Xã Phú Linh", r["Xã"]));
    }

    [Fact]
    public async Task The_outbox_exports_every_page_of_a_status_and_neutralises_a_subject_that_reads_as_a_formula()
    {
        using var mai = await SignedInAsync("admin");
        var (all, book) = await ListAndExportAsync(mai, "/admin/settings/outbox", OutboxCount());
        Assert.Equal(["#", "Trạng thái", "Số lần thử", "Thời điểm tạo", "Thời điểm gửi", "Lần thử tiếp theo", "Tiêu đề", "Người nhận", "Kênh", "Bước", "Mã quy trình",
            "Message-ID", "Lỗi gần nhất"], book.Headers);
        Assert.True(all > OutboxService.PageSize, $"the outbox lists {all} messages");
        Assert.Equal(all, book.Rows.Count);
        var sent = Assert.Single(book.Rows, r => Equals(r["Tiêu đề"], "Đã gửi 30"));
        Assert.Equal(("Đã gửi", 1d, "xa.lan@ntm.test"), (sent["Trạng thái"], sent["Số lần thử"], sent["Người nhận"]));
        Assert.Equal(new DateTime(2026, 3, 2, 8, 1, 0), sent["Thời điểm gửi"]);

        var (dead, letters) = await ListAndExportAsync(mai, "/admin/settings/outbox?status=Dead", OutboxCount());
        Assert.Equal(dead, letters.Rows.Count);
        Assert.InRange(dead, 1, all - 30);
        Assert.All(letters.Rows, r => Assert.Equal("Thư lỗi", r["Trạng thái"]));
        Assert.Equal("'" + Formula, Assert.Single(letters.Rows, r => Equals(r["Số lần thử"], 8d))["Tiêu đề"]);
    }

    [Fact]
    public async Task The_users_list_exports_every_account_it_lists_and_a_search_narrows_both()
    {
        using var mai = await SignedInAsync("admin");
        var (all, book) = await ListAndExportAsync(mai, "/admin/settings/users", UserCount());
        Assert.Equal(["Tên đăng nhập", "Họ và tên", "Email", "Vai trò hôm nay", "Trạng thái", "Nhận thư tổng hợp"], book.Headers);
        Assert.Equal(all, book.Rows.Count);
        var lan = Assert.Single(book.Rows, r => Equals(r["Tên đăng nhập"], "xa.lan"));
        Assert.Equal(("Nguyễn Thị Lan", "Đang hoạt động", "Có"), (lan["Họ và tên"], lan["Trạng thái"], lan["Nhận thư tổng hợp"]));
        Assert.Contains("Cán bộ phụ trách NTM xã – ", (string)lan["Vai trò hôm nay"]!, StringComparison.Ordinal);
        Assert.Contains("(commune:00700)", (string)lan["Vai trò hôm nay"]!, StringComparison.Ordinal);

        var (found, narrowed) = await ListAndExportAsync(mai, "/admin/settings/users?q=xa.khac", UserCount());
        Assert.Equal(1, found);
        Assert.Equal("xa.khac", Assert.Single(narrowed.Rows)["Tên đăng nhập"]);
    }

    [Fact]
    public async Task The_department_desk_exports_the_rows_of_its_table_and_a_filter_narrows_both()
    {
        using var hoa = await SignedInAsync("so.hoa");
        var (all, book) = await ListAndExportAsync(hoa, "/department", DeskCount());
        Assert.Equal(["Hồ sơ", "Xã", "Năm đánh giá", "Chỉ tiêu", "Tên chỉ tiêu", "Giá trị", "Đạt", "Số minh chứng", "Tình trạng", "Hạn xử lý"], book.Headers);
        Assert.True(all > 1, $"the desk lists {all} rows");
        Assert.Equal(all, book.Rows.Count);
        var labour = Assert.Single(book.Rows, r => Equals(r["Chỉ tiêu"], "12.2"));
        Assert.Equal(("2025-NTM-00700", 2025d, "Chờ thẩm định"), (labour["Hồ sơ"], labour["Năm đánh giá"], labour["Tình trạng"]));

        var (one, narrowed) = await ListAndExportAsync(hoa, "/department?indicator=12.2", DeskCount());
        Assert.Equal(1, one);
        Assert.Equal("12.2", Assert.Single(narrowed.Rows)["Chỉ tiêu"]);
    }

    [Fact]
    public async Task The_council_exports_its_sessions_as_listed()
    {
        using var vpdp = await SignedInAsync("vpdp");
        var (count, book) = await ListAndExportAsync(vpdp, "/council", html => SessionRow().Count(html));
        Assert.Equal(["Số hiệu", "Ngày họp", "Địa điểm", "Trạng thái", "Số hồ sơ"], book.Headers);
        Assert.Equal(1, count);
        var session = Assert.Single(book.Rows);
        Assert.Equal((_sessionCode, "Hội trường UBND tỉnh", 1d), (session["Số hiệu"], session["Địa điểm"], session["Số hồ sơ"]));
        Assert.IsType<DateTime>(session["Ngày họp"]);
    }

    [Fact]
    public async Task Who_cannot_open_a_list_cannot_export_it()
    {
        using var lan = await SignedInAsync("xa.lan");
        foreach (var url in new[] { "/admin/instances", "/admin/settings/outbox", "/admin/settings/users", "/department", "/council" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await lan.GetAsync(url)).StatusCode);
            var export = await lan.GetAsync(url + "?handler=Excel");
            Assert.True(export.StatusCode == HttpStatusCode.Forbidden, $"{url} export as xa.lan: {(int)export.StatusCode}");
        }

        using var visitor = App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        foreach (var url in new[] { "/inbox", "/admin/instances", "/admin/settings/users" })
        {
            var export = await visitor.GetAsync(url + "?handler=Excel");
            Assert.Equal(HttpStatusCode.Redirect, export.StatusCode);
            Assert.StartsWith("/account/sign-in", export.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }
    }

    /// <summary>The list's count as its page shows it, and the file its "Xuất Excel" link downloads.</summary>
    private static async Task<(int Count, Workbook Book)> ListAndExportAsync(HttpClient client, string pageUrl, Func<string, int> count)
    {
        var response = await client.GetAsync(pageUrl);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {pageUrl}: {(int)response.StatusCode}");
        var link = ExportLink().Match(html);
        Assert.True(link.Success, $"{pageUrl} has no export link");
        var href = WebUtility.HtmlDecode(link.Groups[1].Value);
        Assert.Contains("handler=Excel", href, StringComparison.Ordinal);
        return (count(html), await DownloadAsync(client, href, Stems[pageUrl.Split('?')[0]]));
    }

    private static readonly Dictionary<string, string> Stems = new(StringComparer.Ordinal)
    {
        ["/inbox"] = "hop-thu-cong-viec", ["/admin/instances"] = "theo-doi-quy-trinh", ["/admin/settings/outbox"] = "hop-thu-di",
        ["/admin/settings/users"] = "nguoi-dung", ["/department"] = "bang-tham-dinh-so", ["/council"] = "phien-hop-hoi-dong-08",
    };

    private static async Task<Workbook> DownloadAsync(HttpClient client, string url, string stem)
    {
        var response = await client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode}");
        Assert.Equal(ExcelExport.ContentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Matches($"^{Regex.Escape(stem)}-\\d{{4}}-\\d{{2}}-\\d{{2}}\\.xlsx$", response.Content.Headers.ContentDisposition?.FileName?.Trim('"') ?? "");
        return Workbook.Read(await response.Content.ReadAsByteArrayAsync());
    }

    private static Func<string, int> InboxCount() => html => Count(html, "id=\"page-of\">Trang \\d+/\\d+ · (\\d+) việc");

    private static Func<string, int> MonitorCount() => html => Count(html, "id=\"monitor-count\">(\\d+) quy trình phù hợp");

    private static Func<string, int> OutboxCount() => html => Count(html, "id=\"page-of\">Trang \\d+/\\d+ · (\\d+) thư");

    private static Func<string, int> UserCount() => html => Count(html, "id=\"user-count\">(\\d+) người dùng");

    private static Func<string, int> DeskCount() => html => Count(html, "id=\"desk-counts\">(\\d+) chỉ tiêu");

    private static int Count(string html, string pattern)
    {
        var match = Regex.Match(html, pattern);
        Assert.True(match.Success, $"the page shows no count like {pattern}");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("<a class=\"button\" id=\"export-excel\" href=\"([^\"]+)\"")]
    private static partial Regex ExportLink();

    [GeneratedRegex("<tr data-session=\"")]
    private static partial Regex SessionRow();
}

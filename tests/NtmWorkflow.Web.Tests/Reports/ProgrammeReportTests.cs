using System.Globalization;
using System.Net;
using System.Text.Json;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using DocumentFormat.OpenXml.Wordprocessing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.AdministrativeUnits;
using NtmWorkflow.Web.Features.Notifications;
using NtmWorkflow.Web.Features.Reports;

namespace NtmWorkflow.Web.Tests.Reports;

/// <summary>
/// The periodic report of the seeded province (see <see cref="ProgrammeSeed"/>): the .docx read back with the SDK
/// (letterhead, title, the known numbers in its tables), the .xlsx read back with MiniExcel (the same numbers), the
/// download as the coordination office and as a commune officer, and the monthly mail enqueued once per province.
/// </summary>
public abstract class ProgrammeReportTests : AppTestHost
{
    private List<string> _communes = [];

    protected override async Task SeedAsync() => _communes = await ProgrammeSeed.SeedAsync(App.Services);

    private async Task<ProgrammeReportData> DataAsync(ReportPeriod period)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ProgrammeReport>().DataAsync("01", period, CancellationToken.None);
    }

    [Fact]
    public async Task The_docx_has_the_letterhead_the_title_and_the_known_numbers_in_its_tables()
    {
        var data = await DataAsync(ReportPeriod.Month(2026, 12));
        var province = await QueryAsync(db => db.AdministrativeUnits.Where(u => u.Level == AdministrativeLevel.Province && u.Code == "01" && u.ValidTo == null).Select(u => u.Name).SingleAsync());
        using var doc = WordprocessingDocument.Open(new MemoryStream(ProgrammeReport.Docx(data)), false);
        Assert.Empty(new OpenXmlValidator(FileFormatVersions.Office2016).Validate(doc).Select(e => $"{e.Path?.XPath}: {e.Description}"));
        var body = doc.MainDocumentPart!.Document!.Body!;
        var paragraphs = body.Elements<Paragraph>().Select(p => p.InnerText).ToList();

        var letterhead = body.Elements<Table>().First();
        var head = letterhead.Descendants<Paragraph>().Select(p => p.InnerText).ToList();
        Assert.Contains("ỦY BAN NHÂN DÂN " + province.ToUpper(CultureInfo.GetCultureInfo("vi-VN")), head);
        Assert.Contains("VĂN PHÒNG ĐIỀU PHỐI NÔNG THÔN MỚI", head);
        Assert.Contains("Số:      /BC-VPĐP", head);
        Assert.Contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", head);

        Assert.Contains("BÁO CÁO", paragraphs);
        Assert.Contains("Kết quả thực hiện Chương trình MTQG xây dựng nông thôn mới tháng 12/2026", paragraphs);
        Assert.Contains("(Báo cáo quý IV/2026)", paragraphs);
        Assert.Contains(paragraphs, p => p.StartsWith("Số liệu đến ngày " + data.DataDate.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture), StringComparison.Ordinal));
        Assert.Contains("I. KẾT QUẢ THỰC HIỆN", paragraphs);
        Assert.Contains("II. TIẾN ĐỘ XỬ LÝ HỒ SƠ", paragraphs);
        Assert.Contains("III. KHÓ KHĂN, VƯỚNG MẮC", paragraphs);
        Assert.Contains(paragraphs, p => p.Contains("Bình quân 2,3 tiêu chí/xã (3 xã", StringComparison.Ordinal));
        Assert.Contains("Nơi nhận:", body.Descendants<Paragraph>().Select(p => p.InnerText));

        var tables = body.Elements<Table>().Skip(1).Select(t => t.Elements<TableRow>().Select(r => r.Elements<TableCell>().Select(c => c.InnerText).ToArray()).ToList()).ToList();
        // A table by its first two columns after "STT".
        List<string[]> Rows(string first, string second) => tables.Single(t => t[0].Length > 2 && t[0][1] == first && t[0][2] == second).Skip(1).ToList();
        Assert.Equal([["1", "Nông thôn mới", "1"], ["2", "Nông thôn mới nâng cao", "1"], ["3", "Nông thôn mới kiểu mẫu", "1"]], Rows("Mức đạt chuẩn", "Số xã").Take(3));
        Assert.Equal(["1", "Nông thôn mới", "7", "1", "Nghị quyết thử 1/NQ-HĐND"], Rows("Mức đạt chuẩn", "Kế hoạch")[0]);
        Assert.Equal([["1", "Xã tự đánh giá", "1"], ["2", "Sở ngành thẩm định", "1"]], Rows("Bước", "Số hồ sơ"));
        Assert.Equal([["1", "1", "1"], ["2", "3", "2"]], Rows("Số tiêu chí đạt", "Số xã"));
        Assert.Equal(["1.2", "17.8"], Rows("Chỉ tiêu", "Nội dung").Select(r => r[1]));
        var byUnit = Rows("Đơn vị", "Trước hạn");
        Assert.Equal(["0", "0", "2", "0,0 %"], byUnit[0][2..]);
        Assert.Equal(["2", "1", "1", "75,0 %"], byUnit[1][2..]);
        Assert.Equal([["1", "Sở ngành thẩm định", "0", "0", "2", "0,0 %"], ["2", "Xã tự đánh giá", "2", "1", "1", "75,0 %"]], Rows("Bước", "Trước hạn"));
        Assert.Equal("1", Assert.Single(Rows("Đơn vị", "Số việc quá hạn"))[2]);
    }

    [Fact]
    public async Task The_xlsx_has_a_sheet_per_figure_with_the_same_numbers()
    {
        var data = await DataAsync(ReportPeriod.Month(2026, 10));
        var bytes = ProgrammeReport.Xlsx(data);
        List<IDictionary<string, object?>> Sheet(string name) =>
            [.. MiniExcel.Query(new MemoryStream(bytes), useHeaderRow: true, sheetName: name).Cast<IDictionary<string, object?>>()];
        static int Int(object? value) => Convert.ToInt32(value, CultureInfo.InvariantCulture);

        var sheets = MiniExcel.GetSheetNames(new MemoryStream(bytes));
        Assert.Equal(["Thông tin", "Mức đạt chuẩn", "Kế hoạch năm", "Hồ sơ theo bước", "Tiêu chí đạt", "Chỉ tiêu chưa đạt", "Đúng hạn theo đơn vị", "Đúng hạn theo bước", "Quá hạn theo đơn vị"], sheets);

        Assert.Equal([1, 1, 1], Sheet("Mức đạt chuẩn").Take(3).Select(r => Int(r["Số xã"])));
        var ntm = Sheet("Kế hoạch năm")[0];
        Assert.Equal((7, 1, "Nghị quyết thử 1/NQ-HĐND"), (Int(ntm["Kế hoạch"]), Int(ntm["Đã công nhận"]), (string?)ntm["Văn bản giao"]));
        Assert.Equal([("Xã tự đánh giá", 1), ("Sở ngành thẩm định", 1)], Sheet("Hồ sơ theo bước").Select(r => ((string)r["Bước"]!, Int(r["Số hồ sơ"]))));
        Assert.Equal([(1, 1), (3, 2)], Sheet("Tiêu chí đạt").Select(r => (Int(r["Số tiêu chí đạt"]), Int(r["Số xã"]))));
        Assert.Equal(["1.2", "17.8"], Sheet("Chỉ tiêu chưa đạt").Select(r => Convert.ToString(r["Chỉ tiêu"], CultureInfo.InvariantCulture)));
        Assert.Equal([(0, 0, 2, 0m), (2, 1, 1, 75m)], Sheet("Đúng hạn theo đơn vị").Select(r => (Int(r["Trước hạn"]), Int(r["Đúng hạn"]), Int(r["Quá hạn"]),
            Convert.ToDecimal(r["Tỷ lệ đúng và trước hạn (%)"], CultureInfo.InvariantCulture))));
        Assert.Equal(1, Int(Assert.Single(Sheet("Quá hạn theo đơn vị"))["Số việc quá hạn"]));
        var info = Sheet("Thông tin").ToDictionary(r => (string)r["Nội dung"]!, r => r["Giá trị"]);
        Assert.Equal("tháng 10/2026", info["Kỳ báo cáo"]);
        Assert.Equal(2.3m, Convert.ToDecimal(info["Bình quân tiêu chí đạt/xã"], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_coordination_office_downloads_its_report_and_a_commune_officer_may_not()
    {
        await CreateOfficialAsync("vp.01", "coordination-office:01", Roles.CoordinationOffice);
        await CreateOfficialAsync("xa.01", "commune:" + _communes[0], Roles.CommuneOfficer);
        using var office = await SignedInAsync("vp.01");
        var docx = await office.GetAsync("/reports?handler=Report&province=01&format=docx&month=2026-10");
        Assert.Equal(HttpStatusCode.OK, docx.StatusCode);
        Assert.Equal(ProgrammeReport.DocxContentType, docx.Content.Headers.ContentType?.MediaType);
        Assert.Equal("bao-cao-ntm-01-2026-10.docx", docx.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var xlsx = await office.GetAsync("/reports?handler=Report&province=01&format=xlsx&quarter=2026-Q3");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        Assert.Equal(ProgrammeReport.XlsxContentType, xlsx.Content.Headers.ContentType?.MediaType);
        var range = await office.GetAsync("/reports?handler=Report&province=01&format=docx&from=2026-01-01&to=2026-03-15");
        Assert.Equal(HttpStatusCode.OK, range.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await office.GetAsync("/reports?handler=Report&province=01&format=pdf&month=2026-10")).StatusCode);
        var page = await office.GetStringAsync("/reports?province=01");
        Assert.Contains("id=\"monthly-docx\"", page, StringComparison.Ordinal);

        using var commune = await SignedInAsync("xa.01");
        Assert.Equal(HttpStatusCode.Forbidden, (await commune.GetAsync("/reports?handler=Report&province=01&format=docx&month=2026-10")).StatusCode);
    }

    [Fact]
    public async Task The_monthly_mail_is_enqueued_once_per_province_with_a_coordination_office()
    {
        await CreateOfficialAsync("vp.01", "coordination-office:01", Roles.CoordinationOffice);
        await CreateOfficialAsync("vp.01b", "coordination-office:01", Roles.CoordinationOffice);
        await CreateOfficialAsync("vp.08", "coordination-office:08", Roles.CoordinationOffice);
        var now = new DateTimeOffset(2026, 10, 10, 7, 30, 0, VietnamTime.Offset);

        MonthlyReportRun first, second;
        await using (var scope = App.Services.CreateAsyncScope())
        {
            first = await scope.ServiceProvider.GetRequiredService<MonthlyReportMail>().RunAsync(now, CancellationToken.None);
        }

        await using (var scope = App.Services.CreateAsyncScope())
        {
            second = await scope.ServiceProvider.GetRequiredService<MonthlyReportMail>().RunAsync(now.AddHours(1), CancellationToken.None);
        }

        Assert.Equal("2026-09", first.Period.Slug);
        Assert.True(first.Enqueued >= 2);
        Assert.Equal(0, second.Enqueued);
        Assert.Equal(first.Enqueued, second.AlreadyEnqueued);

        var rows = await QueryAsync(db => db.OutboxMessages.AsNoTracking().Where(o => o.DedupKey.StartsWith("report/")).ToListAsync());
        Assert.Equal(first.Enqueued, rows.Count);
        var mail = JsonSerializer.Deserialize<EmailPayload>(Assert.Single(rows, r => r.DedupKey == "report/01/2026-09").Payload, EmailPayload.Json)!;
        Assert.Contains("vp.01@test.ntmworkflow.local", mail.To);
        Assert.Contains("vp.01b@test.ntmworkflow.local", mail.To);
        Assert.DoesNotContain("vp.08@test.ntmworkflow.local", mail.To);
        Assert.Contains("Báo cáo quý III/2026", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("/reports?handler=Report&province=01&month=2026-09&format=docx", mail.Body, StringComparison.Ordinal);
        Assert.Single(rows, r => r.DedupKey == "report/08/2026-09");
    }

    [Fact]
    public void Periods_parse_and_say_when_they_are_a_quarters_report()
    {
        Assert.Equal(ReportPeriod.Month(2026, 10), ReportPeriod.Parse("2026-10", null, null, null));
        Assert.Equal(ReportPeriod.Quarter(2026, 4), ReportPeriod.Parse(null, "2026-Q4", null, null));
        Assert.Equal(new ReportPeriod(new DateOnly(2026, 1, 1), new DateOnly(2026, 3, 15), ReportPeriodKind.Range), ReportPeriod.Parse(null, null, "2026-01-01", "2026-03-15"));
        Assert.Null(ReportPeriod.Parse(null, null, "2026-03-15", "2026-01-01"));
        Assert.Null(ReportPeriod.Parse("2026-13", null, null, null));
        Assert.Equal(ReportPeriod.Month(2025, 12), ReportPeriod.MonthBefore(new DateOnly(2026, 1, 10)));
        Assert.True(ReportPeriod.Month(2026, 9).IsQuarterReport);
        Assert.False(ReportPeriod.Month(2026, 10).IsQuarterReport);
        Assert.Equal("quý IV/2026", ReportPeriod.Quarter(2026, 4).Text);
        Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new MonthlyReportOptions { SendOnDay = 15 }.Schedule());
        Assert.Equal("0 30 7 10 * ?", MonthlyReportJob.Cron(10, new TimeOnly(7, 30)));
    }
}

public sealed class ProgrammeReportTests_Sqlite : ProgrammeReportTests;

[Trait("Db", "Postgres")]
public sealed class ProgrammeReportTests_Postgres : ProgrammeReportTests
{
    protected override bool OnPostgres => true;
}

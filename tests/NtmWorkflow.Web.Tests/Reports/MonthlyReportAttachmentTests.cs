using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Json;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using MiniExcelLibs;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Testing;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Notifications;
using NtmWorkflow.Web.Features.Reports;
using NtmWorkflow.Web.Infrastructure.Documents;

namespace NtmWorkflow.Web.Tests.Reports;

/// <summary>
/// The monthly report mail with its files, through the outbox to the real SMTP server (maildev): the .docx and .xlsx
/// frozen in the document store when the mail is enqueued, read back from the mail as received; a file gone or changed
/// makes a dead letter with the reason and nothing sent; a resend carries the same files; a Vietnamese file name
/// arrives intact (RFC 2231). On the local folder and on Azure Blob Storage (Azurite).
/// </summary>
[Trait("Service", "maildev")]
public abstract class MonthlyReportAttachmentTests : AppTestHost
{
    /// <summary>The 10th of October 2026: the mail of September's report (a quarter's last month).</summary>
    private static readonly DateTimeOffset SendDay = new(2026, 10, 10, 7, 30, 0, VietnamTime.Offset);

    /// <summary>This run's own Message-ID domain, so the mails of this class are told apart in the shared maildev.</summary>
    private readonly string _domain = "r" + Guid.NewGuid().ToString("N")[..10] + ".ntm.test";

    protected override void Configure(Dictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["Email:Transport"] = "Smtp";
        settings["Email:Smtp:Host"] = "127.0.0.1";
        settings["Email:Smtp:Port"] = TestEnvironment.SmtpPort.ToString(CultureInfo.InvariantCulture);
        settings["Email:Smtp:Security"] = "None";
        settings["Notifications:MessageIdDomain"] = _domain;
        settings["Notifications:MaxAttempts"] = "5";
    }

    protected override async Task SeedAsync()
    {
        await ProgrammeSeed.SeedAsync(App.Services);
        await CreateOfficialAsync("vp.01", "coordination-office:01", Roles.CoordinationOffice);
    }

    private async Task<OutboxMessageRow> EnqueueSeptemberAsync()
    {
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var run = await scope.ServiceProvider.GetRequiredService<MonthlyReportMail>().RunAsync(SendDay, CancellationToken.None, "01");
            Assert.Equal(1, run.Enqueued);
        }

        return await RowAsync("report/01/2026-09");
    }

    private Task<OutboxMessageRow> RowAsync(string key) => QueryAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(o => o.DedupKey == key));

    private static EmailPayload Payload(OutboxMessageRow row) => JsonSerializer.Deserialize<EmailPayload>(row.Payload, EmailPayload.Json)!;

    private Task<int> SendDueAsync() => App.Services.GetRequiredService<OutboxSender>().SendDueAsync(CancellationToken.None);

    private IDocumentStore Store => App.Services.GetRequiredService<IDocumentStore>();

    private async Task<byte[]> ReadAsync(string key)
    {
        await using var stored = await Store.OpenAsync(key, CancellationToken.None) ?? throw new Xunit.Sdk.XunitException($"nothing stored under {key}");
        using var copy = new MemoryStream();
        await stored.Content.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task The_mail_arrives_with_the_docx_and_the_xlsx_made_when_it_was_enqueued()
    {
        var row = await EnqueueSeptemberAsync();
        var payload = Payload(row);
        Assert.NotNull(payload.Attachments);
        Assert.Equal(["bao-cao-ntm-01-2026-09.docx", "bao-cao-ntm-01-2026-09.xlsx"], payload.Attachments.Select(a => a.FileName));
        Assert.All(payload.Attachments, a => Assert.StartsWith("outbox/report/01/2026-09/", a.DocumentKey, StringComparison.Ordinal));
        Assert.DoesNotContain("UEsDB", row.Payload, StringComparison.Ordinal); // the bytes (a zip's base64) are not in the row
        Assert.Contains("Gửi kèm thư này: bao-cao-ntm-01-2026-09.docx, bao-cao-ntm-01-2026-09.xlsx", payload.Body, StringComparison.Ordinal);
        Assert.Contains("/reports?handler=Report&province=01&month=2026-09&format=xlsx", payload.Body, StringComparison.Ordinal);

        Assert.True(await SendDueAsync() >= 1);
        row = await RowAsync(row.DedupKey);
        Assert.Equal((OutboxStatus.Sent, null), (row.Status, row.LastError));

        var mail = await MaildevMail.ReceivedAsync(row.MessageId);
        Assert.Equal(["vp.01@test.ntmworkflow.local"], mail.To.Mailboxes.Select(m => m.Address));
        Assert.Contains("Báo cáo quý III/2026", mail.Subject, StringComparison.Ordinal);
        var files = mail.Attachments.OfType<MimePart>().ToDictionary(p => p.FileName ?? "", Bytes);
        Assert.Equal(["bao-cao-ntm-01-2026-09.docx", "bao-cao-ntm-01-2026-09.xlsx"], files.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(payload.Attachments.Select(a => a.Sha256), payload.Attachments.Select(a => OutboxAttachments.Sha256(files[a.FileName])));
        Assert.Equal(ProgrammeReport.XlsxContentType, mail.Attachments.OfType<MimePart>().Single(p => (p.FileName ?? "").EndsWith(".xlsx", StringComparison.Ordinal)).ContentType.MimeType);

        // The workbook: the seeded province's figures (one commune at each level, a target of 7 NTM communes).
        var xlsx = files["bao-cao-ntm-01-2026-09.xlsx"];
        List<IDictionary<string, object?>> Sheet(string name) =>
            [.. MiniExcel.Query(new MemoryStream(xlsx), useHeaderRow: true, sheetName: name).Cast<IDictionary<string, object?>>()];
        Assert.Equal([1, 1, 1], Sheet("Mức đạt chuẩn").Take(3).Select(r => Convert.ToInt32(r["Số xã"], CultureInfo.InvariantCulture)));
        Assert.Equal(7, Convert.ToInt32(Sheet("Kế hoạch năm")[0]["Kế hoạch"], CultureInfo.InvariantCulture));
        Assert.Equal("tháng 09/2026 (báo cáo quý III/2026)", Sheet("Thông tin").ToDictionary(r => (string)r["Nội dung"]!, r => r["Giá trị"])["Kỳ báo cáo"]);

        // The document: a zip holding a Word document whose title is the month's (and the quarter's) report.
        var docx = files["bao-cao-ntm-01-2026-09.docx"];
        using (var zip = new ZipArchive(new MemoryStream(docx), ZipArchiveMode.Read))
        {
            Assert.Contains(zip.Entries, e => e.FullName == "word/document.xml");
        }

        using var word = WordprocessingDocument.Open(new MemoryStream(docx), false);
        var paragraphs = word.MainDocumentPart!.Document!.Body!.Elements<Paragraph>().Select(p => p.InnerText).ToList();
        Assert.Contains("BÁO CÁO", paragraphs);
        Assert.Contains("Kết quả thực hiện Chương trình MTQG xây dựng nông thôn mới tháng 09/2026", paragraphs);
        Assert.Contains("(Báo cáo quý III/2026)", paragraphs);
    }

    [Fact]
    public async Task A_missing_file_makes_a_dead_letter_with_the_reason_and_a_resend_carries_the_files()
    {
        var row = await EnqueueSeptemberAsync();
        var docx = Payload(row).Attachments![0];
        var bytes = await ReadAsync(docx.DocumentKey);
        Assert.True(await Store.DeleteAsync(docx.DocumentKey, CancellationToken.None));

        await SendDueAsync();
        row = await RowAsync(row.DedupKey);
        Assert.Equal((OutboxStatus.Dead, 1), (row.Status, row.Attempts)); // at once: trying again cannot bring the file back
        Assert.Contains("Attachment 'bao-cao-ntm-01-2026-09.docx' is missing from the document store", row.LastError, StringComparison.Ordinal);
        Assert.Contains("not sent without it", row.LastError, StringComparison.Ordinal);
        Assert.Equal(0, await SendDueAsync()); // the sender goes on, and leaves the dead letter alone

        // The file is back (restored from a backup): "Gửi lại" sends the same row with the same files.
        await Store.SaveAsync(docx.DocumentKey, new MemoryStream(bytes), docx.ContentType, CancellationToken.None);
        await using (var scope = App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<OutboxService>().ResendAsync(row.Id, "admin", null, CancellationToken.None);
        }

        Assert.Equal(1, await SendDueAsync());
        var sent = await RowAsync(row.DedupKey);
        Assert.Equal((OutboxStatus.Sent, row.MessageId, row.Payload), (sent.Status, sent.MessageId, sent.Payload));
        var mail = await MaildevMail.ReceivedAsync(row.MessageId);
        var files = mail.Attachments.OfType<MimePart>().ToDictionary(p => p.FileName ?? "", Bytes);
        Assert.Equal(bytes, files["bao-cao-ntm-01-2026-09.docx"]);
        Assert.Equal(Payload(row).Attachments![1].Sha256, OutboxAttachments.Sha256(files["bao-cao-ntm-01-2026-09.xlsx"]));
        Assert.Equal(1, await QueryAsync(db => db.AuditEntries.CountAsync(a => a.Action == "outbox.resent" && a.Subject == $"outbox/{row.Id}")));
    }

    [Fact]
    public async Task A_changed_file_makes_a_dead_letter_and_is_never_sent()
    {
        var row = await EnqueueSeptemberAsync();
        var xlsx = Payload(row).Attachments![1];
        await Store.SaveAsync(xlsx.DocumentKey, new MemoryStream([1, 2, 3]), xlsx.ContentType, CancellationToken.None);

        await SendDueAsync();
        row = await RowAsync(row.DedupKey);
        Assert.Equal(OutboxStatus.Dead, row.Status);
        Assert.Contains("Attachment 'bao-cao-ntm-01-2026-09.xlsx'", row.LastError, StringComparison.Ordinal);
        Assert.Contains($"expected {xlsx.Size} bytes with SHA-256 {xlsx.Sha256}", row.LastError, StringComparison.Ordinal);
        Assert.Null(await MaildevMail.FindAsync(row.MessageId));
    }

    [Fact]
    public async Task A_Vietnamese_file_name_arrives_intact()
    {
        const string name = "Biên bản họp Hội đồng thẩm định – xã Lũng Cú.docx";
        var key = "test/attachment/" + Guid.NewGuid().ToString("N");
        var content = "Nội dung biên bản"u8.ToArray();
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NtmWorkflow.Web.Persistence.AppDbContext>();
            var attachments = await OutboxAttachments.StoreAsync(Store, key, [new OutboxFile(name, ProgrammeReport.DocxContentType, content)], CancellationToken.None);
            var payload = new EmailPayload(["thu.ky@hd.test"], "Biên bản " + key, "Gửi kèm biên bản.", [], attachments);
            Assert.True(await ScheduledMail.EnqueueOnceAsync(db, key, payload, "test", _domain, DateTimeOffset.UtcNow.AddMinutes(-1), CancellationToken.None));
        }

        await SendDueAsync();
        var row = await RowAsync(key);
        Assert.Equal(OutboxStatus.Sent, row.Status);
        var raw = await MaildevMail.RawAsync(row.MessageId);
        // RFC 2231 (a long name split in numbered parts, the first naming the charset), not an encoded-word.
        Assert.Matches(new System.Text.RegularExpressions.Regex(@"filename\*(0\*)?=utf-8''Bi%C3%AAn", System.Text.RegularExpressions.RegexOptions.IgnoreCase), raw);
        Assert.DoesNotContain("filename=\"=?", raw, StringComparison.OrdinalIgnoreCase);
        var part = Assert.Single(MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw))).Attachments.OfType<MimePart>());
        Assert.Equal(name, part.FileName);
        Assert.Equal(content, Bytes(part));
        var listed = (await MaildevMail.FindAsync(row.MessageId))!.Value.GetProperty("attachments")[0];
        Assert.Equal(name, listed.GetProperty("filename").GetString()); // as another mail reader decodes it
    }

    [Fact]
    public void A_payload_written_before_attachments_reads_and_writes_as_before()
    {
        const string old = """{"to":["a@x.test"],"subject":"Nhắc việc","body":"Còn 2 ngày","taskIds":[]}""";
        var payload = JsonSerializer.Deserialize<EmailPayload>(old, EmailPayload.Json)!;
        Assert.Null(payload.Attachments);
        Assert.Equal(("Nhắc việc", "a@x.test"), (payload.Subject, payload.To[0]));
        Assert.DoesNotContain("attachments", JsonSerializer.Serialize(payload, EmailPayload.Json), StringComparison.Ordinal);
    }

    private static byte[] Bytes(MimePart part)
    {
        using var copy = new MemoryStream();
        (part.Content ?? throw new Xunit.Sdk.XunitException($"attachment {part.FileName} has no content")).DecodeTo(copy);
        return copy.ToArray();
    }
}

/// <summary>The attachments' bytes in the local documents folder (the embedded default).</summary>
public sealed class MonthlyReportAttachmentTests_LocalFolder : MonthlyReportAttachmentTests;

/// <summary>The attachments' bytes in Azure Blob Storage (Azurite).</summary>
[Trait("Service", "Azurite")]
public sealed class MonthlyReportAttachmentTests_Azurite : MonthlyReportAttachmentTests
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        base.Configure(settings);
        settings["Documents:Provider"] = "AzureBlob";
        settings["Documents:ConnectionString"] = TestEnvironment.Azurite;
        settings["Documents:Container"] = "outbox-" + Guid.NewGuid().ToString("N")[..12];
    }
}

/// <summary>As in production: PostgreSQL (the sender claims with <c>FOR UPDATE SKIP LOCKED</c>) and Azure Blob Storage.</summary>
[Trait("Db", "Postgres")]
[Trait("Service", "Azurite")]
public sealed class MonthlyReportAttachmentTests_Postgres : MonthlyReportAttachmentTests
{
    protected override bool OnPostgres => true;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        base.Configure(settings);
        settings["Documents:Provider"] = "AzureBlob";
        settings["Documents:ConnectionString"] = TestEnvironment.Azurite;
        settings["Documents:Container"] = "outbox-" + Guid.NewGuid().ToString("N")[..12];
    }
}

/// <summary>Mails as maildev received them, found by Message-ID.</summary>
internal static class MaildevMail
{
    /// <summary>maildev's entry of the mail, or null when it has none (after asking a few times: it stores mail as it arrives).</summary>
    public static async Task<JsonElement?> FindAsync(string messageId, int attempts = 1)
    {
        using var http = new HttpClient { BaseAddress = TestEnvironment.MaildevApi, Timeout = TimeSpan.FromSeconds(10) };
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            var mails = await http.GetFromJsonAsync<JsonElement>("/api/email");
            foreach (var mail in mails.EnumerateArray())
            {
                if (mail.TryGetProperty("headers", out var headers) && headers.TryGetProperty("message-id", out var id) && id.GetString() == $"<{messageId}>")
                {
                    return mail.Clone();
                }
            }

            await Task.Delay(100);
        }

        return null;
    }

    /// <summary>The mail as sent over SMTP (maildev's download of it).</summary>
    public static async Task<string> RawAsync(string messageId)
    {
        var mail = await FindAsync(messageId, 50) ?? throw new Xunit.Sdk.XunitException($"maildev never received <{messageId}>");
        using var http = new HttpClient { BaseAddress = TestEnvironment.MaildevApi, Timeout = TimeSpan.FromSeconds(10) };
        return await http.GetStringAsync($"/api/email/{mail.GetProperty("id").GetString()}/download");
    }

    /// <summary>The mail parsed with MimeKit, as a mail client reads it.</summary>
    public static async Task<MimeMessage> ReceivedAsync(string messageId) =>
        await MimeMessage.LoadAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(await RawAsync(messageId))));
}

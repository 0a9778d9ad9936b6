using System.Net;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Web.Features.Notifications;
using NtmWorkflow.Web.Infrastructure.Excel;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Tests.Excel;

/// <summary>
/// A list longer than an export holds: the outbox with one message more than <see cref="ExcelExport.MaxRows"/>. The page
/// says the file will be cut; the file holds the newest <see cref="ExcelExport.MaxRows"/> and a note sheet says why.
/// </summary>
public sealed class ExcelBoundTests : AppTestHost
{
    private const int Messages = ExcelExport.MaxRows + 1;

    protected override async Task SeedAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var instance = Guid.NewGuid();
        var created = new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);
        db.OutboxMessages.AddRange(Enumerable.Range(1, Messages).Select(i => new OutboxMessageRow
        {
            DedupKey = $"{instance}/notify/{i}", Channel = "workflow-message", InstanceId = instance, ElementId = "notify", Payload = "{}",
            MessageId = $"<{i}@ntmworkflow.local>", Status = OutboxStatus.Sent, Attempts = 1, CreatedAt = created, NextAttemptAt = created, SentAt = created,
        }));
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task A_list_longer_than_an_export_is_cut_and_the_page_and_the_file_say_so()
    {
        using var mai = await SignedInAsync("admin");
        var page = await mai.GetStringAsync("/admin/settings/outbox");
        Assert.Contains($"id=\"export-bound\">Tệp Excel chứa tối đa {ExcelExport.MaxRows} dòng: danh sách này có {Messages} dòng", page, StringComparison.Ordinal);

        var response = await mai.GetAsync("/admin/settings/outbox?handler=Excel");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var book = Workbook.Read(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(["Hộp thư đi", "Ghi chú"], book.Sheets);
        Assert.Equal(ExcelExport.MaxRows, book.Rows.Count);
        Assert.Equal("<10001@ntmworkflow.local>", book.Rows[0]["Message-ID"]); // newest first, as the list
        Assert.Equal("<2@ntmworkflow.local>", book.Rows[^1]["Message-ID"]);
        var note = (string)Assert.Single(book.Sheet("Ghi chú"))["Ghi chú"]!;
        Assert.StartsWith($"Danh sách có {Messages} dòng phù hợp bộ lọc; tệp này chỉ chứa {ExcelExport.MaxRows} dòng đầu", note, StringComparison.Ordinal);
    }
}

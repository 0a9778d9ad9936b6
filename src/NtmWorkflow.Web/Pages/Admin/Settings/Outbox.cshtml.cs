using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using NtmWorkflow.Web.Features.Notifications;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Infrastructure.Excel;

namespace NtmWorkflow.Web.Pages.Admin.Settings;

/// <summary>
/// Hộp thư đi: the outbox by status (pending, sent, dead letters), newest first, a page at a time, with each mail's
/// recipients, subject, attempts, last error and dates; a dead letter is sent again from here (the same row, so the same
/// dedup key and Message-ID). A national administrator sees every message; an administrator of a province those of its
/// instances.
/// </summary>
[Authorize]
public sealed class OutboxModel(OutboxService outbox, OrganisationService organisation, IStringLocalizer<SharedResource> text, TimeProvider clock) : SettingsPageModel(organisation)
{
    [BindProperty(SupportsGet = true)]
    public OutboxStatus? Status { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public OutboxPage Result { get; private set; } = null!;

    private IReadOnlyList<string>? Scope => IsNational ? null : OwnProvinces;

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        Result = await outbox.PageAsync(Status, PageNumber, Scope, HttpContext.RequestAborted);
        return Page();
    }

    /// <summary>Xuất Excel: every message of the status shown, not only this page.</summary>
    public async Task<IActionResult> OnGetExcelAsync()
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        var rows = await outbox.ExportAsync(Status, Scope, ExcelExport.MaxRows, HttpContext.RequestAborted);
        return ExcelExport.File("hop-thu-di", clock.GetUtcNow(), text["Settings_Outbox"], Columns(text), rows, text);
    }

    /// <summary>The columns of the export: what each row shows, a cell for each part.</summary>
    public static IReadOnlyList<ExcelColumn<OutboxEntry>> Columns(IStringLocalizer text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return
        [
            new("#", m => m.Id),
            new(text["Settings_OutboxState"], m => text["Settings_OutboxStatus_" + m.Status].Value),
            new(text["Export_Attempts"], m => m.Attempts),
            new(text["Export_CreatedAt"], m => m.CreatedAt),
            new(text["Export_SentAt"], m => m.SentAt),
            new(text["Export_NextAttemptAt"], m => m.Status == OutboxStatus.Pending ? m.NextAttemptAt : null),
            new(text["Settings_Subject"], m => m.Subject ?? m.Channel),
            new(text["Settings_Recipients"], m => string.Join(", ", m.Recipients)),
            new(text["Export_Channel"], m => m.Channel),
            new(text["Monitor_Element"], m => m.ElementId),
            new(text["Monitor_Id"], m => m.InstanceId.ToString()),
            new("Message-ID", m => m.MessageId),
            new(text["Settings_LastError"], m => m.LastError),
        ];
    }

    /// <summary>The export with the list's status (every page).</summary>
    public string ExcelUrl => Url.Page("/Admin/Settings/Outbox", "Excel", new { status = Status?.ToString() })!;

    /// <summary>Puts a dead letter back in the queue.</summary>
    public async Task<IActionResult> OnPostResendAsync(long id)
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        try
        {
            var row = await outbox.ResendAsync(id, Official.UserName, Scope, HttpContext.RequestAborted);
            Notice = "Resent";
            NoticeDetail = row.MessageId;
        }
        catch (OutboxException e)
        {
            Problem = e.Message;
        }

        return RedirectToPage(Query(PageNumber).Where(q => q.Value is not null).ToDictionary(q => q.Key, q => (object?)q.Value));
    }

    /// <summary>The list's query with another page.</summary>
    public Dictionary<string, string?> Query(int page) => new()
    {
        ["status"] = Status?.ToString(),
        ["p"] = page.ToString(CultureInfo.InvariantCulture),
    };
}

using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NtmWorkflow.Web.Features.Notifications;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Pages.Admin.Settings;

/// <summary>
/// Hộp thư đi: the outbox by status (pending, sent, dead letters), newest first, a page at a time, with each mail's
/// recipients, subject, attempts, last error and dates; a dead letter is sent again from here (the same row, so the same
/// dedup key and Message-ID). A national administrator sees every message; an administrator of a province those of its
/// instances.
/// </summary>
[Authorize]
public sealed class OutboxModel(OutboxService outbox, OrganisationService organisation) : SettingsPageModel(organisation)
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

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Mergers;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Pages.Admin.Mergers;

/// <summary>
/// Sáp nhập đơn vị hành chính: an administrator picks the editions and the successors' province, chooses the successor of
/// each split commune, previews which dossiers, tasks and roles move, applies it, and reads the titles report (§4.6).
/// </summary>
[Authorize]
public sealed class IndexModel(UnitMergers mergers, MergedTitles titles, OrganisationService organisation) : OfficialPageModel(organisation)
{
    [BindProperty(SupportsGet = true)]
    public string From { get; set; } = "2025-03";

    [BindProperty(SupportsGet = true)]
    public string To { get; set; } = "2025-07";

    [BindProperty(SupportsGet = true)]
    public string? Province { get; set; }

    [BindProperty]
    public string? Choices { get; set; }

    [BindProperty]
    public string? Successor { get; set; }

    [BindProperty]
    public string? DecisionNumber { get; set; }

    [BindProperty]
    public string? DecisionDate { get; set; }

    [BindProperty]
    public string? Signer { get; set; }

    public MergerBatch? Batch { get; private set; }

    public TitleReport? Titles { get; private set; }

    /// <summary>The carried-over recognition just recorded.</summary>
    public string? Recorded { get; private set; }

    protected override bool Concerns(Official official) =>
        official.Administers(null) || official.Assignments.Any(a => a.Role == Roles.Administrator && a.Unit.ProvinceCode is not null);

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        Province ??= Official.Assignments.Where(a => a.Role == Roles.Administrator).Select(a => a.Unit.ProvinceCode).FirstOrDefault(p => p is not null);
        return Page();
    }

    public Task<IActionResult> OnPostPreviewAsync() => RunAsync(async ct => Batch = await mergers.PreviewAsync(Official, MergerRequest(), ct));

    public Task<IActionResult> OnPostApplyAsync() => RunAsync(async ct => Batch = await mergers.ApplyAsync(Official, MergerRequest(), ct));

    public Task<IActionResult> OnPostTitlesAsync() => RunAsync(async ct => Titles = await titles.ReportAsync(Official, From, To, Province?.Trim() ?? "", ct));

    public Task<IActionResult> OnPostCarryOverAsync() => RunAsync(async ct =>
    {
        var date = Day(DecisionDate) ?? (string.IsNullOrWhiteSpace(DecisionDate) ? null : throw new MergerException(400, $"'{DecisionDate}' is not a date (yyyy-MM-dd)."));
        Recorded = (await titles.CarryOverAsync(Official, From, To, Province?.Trim() ?? "", new CarryOverRequest(Successor, DecisionNumber, date, Signer), ct)).Code;
        Titles = await titles.ReportAsync(Official, From, To, Province?.Trim() ?? "", ct);
    });

    private MergerRequest MergerRequest() => new(From.Trim(), To.Trim(), Province?.Trim() ?? "", UnitMergers.ParseChoices(Choices));

    private async Task<IActionResult> RunAsync(Func<CancellationToken, Task> act)
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        try
        {
            await act(HttpContext.RequestAborted);
        }
        catch (MergerException e)
        {
            // Shown on this page with what was typed kept; nothing was changed.
            Problem = e.Message;
            Response.StatusCode = e.Status;
        }

        return Page();
    }
}

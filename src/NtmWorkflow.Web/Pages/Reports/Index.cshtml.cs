using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Features.Reports;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages.Reports;

/// <summary>
/// Bảng điều hành: where the programme stands in a province this year, each figure a link to the dossiers or tasks
/// behind it (Anh Tuấn's page, ntm-domain.md §9).
/// </summary>
[Authorize]
public sealed class IndexModel(ProgrammeDashboard dashboard, OrganisationService organisation, AppDbContext db, TimeProvider clock)
    : ReportPageModel(organisation, db, clock)
{
    public DashboardFigures Figures { get; private set; } = null!;

    public bool MaySetTargets => ReportAccess.MaySetTargets(Official, Shown.Code);

    /// <summary>Recognised communes due for re-evaluation by the end of the year shown, or whose latest assessment meets the revocation triggers.</summary>
    public IReadOnlyList<RecognitionEntry> FollowUp { get; private set; } = [];

    /// <summary>The targets form refused, with why (shown above it, with what was typed).</summary>
    public string? TargetsRefusal { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await ChooseAsync())
        {
            return Forbidden();
        }

        Figures = await dashboard.FiguresAsync(Shown.Code, ShownYear, HttpContext.RequestAborted);
        var endOfYear = new DateOnly(ShownYear, 12, 31);
        FollowUp = [.. (await dashboard.RecognitionsAsync(Shown.Code, HttpContext.RequestAborted))
            .Where(r => r.TriggersMet || r.UnderReview || r.ReEvaluationDue <= endOfYear)];
        return Page();
    }

    /// <summary>Sets the year's targets per tier (empty: none) from the resolution or plan named.</summary>
    public async Task<IActionResult> OnPostTargetsAsync(int? ntm, int? advanced, int? model, string? source)
    {
        if (!await ChooseAsync() || !MaySetTargets)
        {
            return Forbidden();
        }

        try
        {
            await dashboard.SetTargetsAsync(Shown.Code, ShownYear,
                new Dictionary<RecognitionTier, int?> { [RecognitionTier.Ntm] = ntm, [RecognitionTier.Advanced] = advanced, [RecognitionTier.Model] = model },
                source, Official.UserName, HttpContext.RequestAborted);
            Notice = "Reports_TargetsSaved";
            return RedirectToPage(null, null, new { province = Shown.Code, year = ShownYear }, "targets");
        }
        catch (ArgumentException e)
        {
            TargetsRefusal = e.Message.Split(" (Parameter", 2)[0];
            Figures = await dashboard.FiguresAsync(Shown.Code, ShownYear, HttpContext.RequestAborted);
            return Page();
        }
    }
}

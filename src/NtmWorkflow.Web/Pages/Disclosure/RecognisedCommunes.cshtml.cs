using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Web.Features.AdministrativeUnits;
using NtmWorkflow.Web.Features.Reports;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages.Disclosure;

/// <summary>
/// Danh sách xã đạt chuẩn: the public list of a province's communes recognised now, at their highest tier, with the
/// number and date of the recognition decision (the decisions are public acts). Nothing internal is shown.
/// </summary>
[AllowAnonymous]
public sealed class RecognisedCommunesModel(ProgrammeDashboard dashboard, AppDbContext db) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Province { get; set; }

    public IReadOnlyList<(string Code, string Name)> Provinces { get; private set; } = [];

    public (string Code, string Name)? Shown { get; private set; }

    public IReadOnlyList<RecognitionEntry> Rows { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        Provinces = [.. (await db.AdministrativeUnits.AsNoTracking().Where(u => u.Level == AdministrativeLevel.Province && u.ValidTo == null)
            .OrderBy(u => u.Code).Select(u => new { u.Code, u.Name }).ToListAsync(HttpContext.RequestAborted)).Select(u => (u.Code, u.Name))];
        if (string.IsNullOrWhiteSpace(Province))
        {
            return Page();
        }

        if (Provinces.FirstOrDefault(p => p.Code == Province.Trim()) is not { Code: not null } shown)
        {
            return NotFound();
        }

        Shown = shown;
        Rows = await dashboard.RecognitionsAsync(shown.Code, HttpContext.RequestAborted);
        return Page();
    }
}

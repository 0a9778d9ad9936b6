using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web.Features.AdministrativeUnits;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Features.Reports;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages.Reports;

/// <summary>A province the official may read the figures of, for the pickers.</summary>
public sealed record ReportProvince(string Code, string Name);

/// <summary>
/// The report pages (báo cáo): a province and a year, chosen from the provinces the official reads (<see cref="ReportAccess"/>);
/// the first of them and this year (in Vietnam) unless asked.
/// </summary>
public abstract class ReportPageModel(OrganisationService organisation, AppDbContext db, TimeProvider clock) : OfficialPageModel(organisation)
{
    [BindProperty(SupportsGet = true)]
    public string? Province { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? Year { get; set; }

    public IReadOnlyList<ReportProvince> Provinces { get; private set; } = [];

    /// <summary>The province shown (set by <see cref="ChooseAsync"/>).</summary>
    public ReportProvince Shown { get; private set; } = new("", "");

    public int ShownYear => Year is >= 2010 and <= 2100 ? Year.Value : VietnamTime.VietnamDate(clock.GetUtcNow()).Year;

    protected AppDbContext Db => db;

    protected TimeProvider Clock => clock;

    protected override bool Concerns(Official official) => ReportAccess.Concerned(official);

    /// <summary>Signs in and settles the province; false (403) when the official reads none or not the one asked.</summary>
    protected async Task<bool> ChooseAsync()
    {
        if (!await SignedInAsync())
        {
            return false;
        }

        var all = await db.AdministrativeUnits.AsNoTracking().Where(u => u.Level == AdministrativeLevel.Province && u.ValidTo == null)
            .OrderBy(u => u.Code).Select(u => new ReportProvince(u.Code, u.Name)).ToListAsync(HttpContext.RequestAborted);
        Provinces = [.. all.Where(p => ReportAccess.MayRead(Official, p.Code))];
        var asked = string.IsNullOrWhiteSpace(Province) ? (Provinces.Count > 0 ? Provinces[0].Code : null) : Province.Trim();
        if (asked is null || Provinces.FirstOrDefault(p => p.Code == asked) is not { } shown)
        {
            return false;
        }

        Shown = shown;
        Province = shown.Code;
        return true;
    }
}

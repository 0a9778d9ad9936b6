using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Pages.Admin.Settings.Criteria;

/// <summary>
/// One criteria set: its criteria and indicators with each scope's threshold and the verified flags, and in a province
/// the department kind that owns each indicator on a day. National administrators set thresholds and mark indicators
/// verified; an administrator of the province assigns an indicator to a department kind from a date (the assignment in
/// force the day before ends then). Every change goes through the catalogue, which refuses with a readable message and audits.
/// </summary>
[Authorize]
public sealed class SetModel(CriteriaCatalog catalog, UserAdministration administration, OrganisationService organisation, IStringLocalizer<SharedResource> text,
    TimeProvider clock) : PeopleCriteriaPageModel(organisation)
{
    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    /// <summary>The province whose owners are shown.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Province { get; set; }

    /// <summary>The day the owners are shown for (yyyy-MM-dd; today by default).</summary>
    [BindProperty(SupportsGet = true)]
    public string? On { get; set; }

    /// <summary>The indicator (and scope) whose threshold the form starts from.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Indicator { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Scope { get; set; }

    public CriteriaSetRow Set { get; private set; } = null!;

    public DateOnly OnDay { get; private set; }

    public bool MayEditThresholds { get; private set; }

    public bool MayEditOwners { get; private set; }

    /// <summary>The owner of each indicator (by id) in <see cref="Province"/> on <see cref="OnDay"/>; empty without a province.</summary>
    public IReadOnlyDictionary<int, IndicatorOwner> Owners { get; private set; } = new Dictionary<int, IndicatorOwner>();

    public IReadOnlyDictionary<string, DepartmentKindRow> Kinds { get; private set; } = new Dictionary<string, DepartmentKindRow>();

    public IReadOnlyList<ThresholdScope> Scopes { get; private set; } = [];

    public IReadOnlyList<(string Code, string Name)> ProvinceChoices { get; private set; } = [];

    public IndicatorRow? Chosen { get; private set; }

    public IndicatorThresholdRow? ChosenThreshold { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        if (await catalog.GetSetAsync(Code, HttpContext.RequestAborted) is not { } set)
        {
            return NotFound();
        }

        Set = set;
        await ReadContextAsync();
        if (Province is not null && Official.Administers(Province))
        {
            var owners = await catalog.OwnersAsync(Province, [.. set.Criteria.SelectMany(c => c.Indicators)], OnDay, HttpContext.RequestAborted);
            Owners = owners.ToDictionary(o => o.Indicator.Id, o => o.Owner);
        }

        Kinds = (await catalog.DepartmentKindsAsync(HttpContext.RequestAborted)).ToDictionary(k => k.Code, StringComparer.Ordinal);
        Scopes = [.. CriteriaSeedData.Scopes.Where(s => s.Basis == set.ThresholdBasis)];
        Chosen = set.Criteria.SelectMany(c => c.Indicators).FirstOrDefault(i => i.Number == Indicator?.Trim());
        ChosenThreshold = Chosen?.Thresholds.FirstOrDefault(t => t.Scope == (Scope ?? CriteriaSeedData.Everywhere));
        return Page();
    }

    /// <summary>Đặt ngưỡng: an indicator's threshold for a scope (a number, or a rating scale and its lowest passing rating), with its source.</summary>
    public Task<IActionResult> OnPostThresholdAsync(string? indicator, string? scope, string? value, string? ratingScale, string? minimumRating, string? source, bool verified) =>
        ActAsync(national: true, "ThresholdSet", async () =>
        {
            decimal? number = null;
            if (!string.IsNullOrWhiteSpace(value))
            {
                var written = value.Trim();
                written = written.Contains('.', StringComparison.Ordinal) ? written : written.Replace(',', '.');
                number = decimal.TryParse(written, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed)
                    ? parsed
                    : throw new CriteriaException(CriteriaProblem.Invalid, $"\"{value}\" is not a number.");
            }

            await catalog.SetThresholdAsync(Code, indicator?.Trim() ?? "", string.IsNullOrWhiteSpace(scope) ? CriteriaSeedData.Everywhere : scope.Trim(),
                new ThresholdChange(number, ratingScale, minimumRating, source, verified), Official.UserName, HttpContext.RequestAborted);
        });

    /// <summary>Đã đối chiếu: an indicator checked (or no longer) against the official text.</summary>
    public Task<IActionResult> OnPostIndicatorVerifiedAsync(string? indicator, bool verified) =>
        ActAsync(national: true, verified ? "IndicatorVerified" : "IndicatorUnverified", () =>
            catalog.UpdateIndicatorAsync(Code, indicator?.Trim() ?? "", new IndicatorChange(null, null, null, null, null, null, null, verified), Official.UserName,
                HttpContext.RequestAborted));

    /// <summary>Giao sở phụ trách: the province assigns the indicator to a department kind from a day, naming its decision.</summary>
    public Task<IActionResult> OnPostOwnerAsync(string? indicator, string? departmentKind, string? validFrom, string? source) =>
        ActAsync(national: false, "OwnerSet", () => catalog.SetOwnershipAsync(Province ?? "", Code, indicator?.Trim() ?? "",
            new OwnershipChange(departmentKind, Day(validFrom), source), Official.UserName, HttpContext.RequestAborted));

    public string Link(string? indicator = null, string? scope = null) => $"/admin/settings/criteria/{Uri.EscapeDataString(Code)}" + QueryString.Create(
        new Dictionary<string, string?>(StringComparer.Ordinal) { ["province"] = Province, ["on"] = On, ["indicator"] = indicator, ["scope"] = scope }
            .Where(p => !string.IsNullOrWhiteSpace(p.Value)));

    private async Task ReadContextAsync()
    {
        OnDay = Day(On) ?? clock.GetUtcNow().VietnamDate();
        var reach = UserAdministration.Provinces(Official);
        ProvinceChoices = [.. (await administration.ProvincesInForceAsync(HttpContext.RequestAborted)).Where(p => reach is null || reach.Contains(p.Code))];
        Province = string.IsNullOrWhiteSpace(Province) ? reach is { Count: > 0 } ? reach.Order(StringComparer.Ordinal).First() : null : Province.Trim();
        MayEditThresholds = Official.Administers(null);
        MayEditOwners = Province is not null && Official.Administers(Province);
    }

    private async Task<IActionResult> ActAsync(bool national, string notice, Func<Task> act)
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        await ReadContextAsync();
        if (national ? !MayEditThresholds : !MayEditOwners)
        {
            return Forbidden();
        }

        try
        {
            await act();
            Notice = notice;
        }
        catch (CriteriaException e)
        {
            Refused(e.Message, [], text);
        }

        return Redirect(Link());
    }
}

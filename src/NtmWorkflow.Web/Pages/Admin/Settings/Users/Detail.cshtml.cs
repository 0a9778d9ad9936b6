using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Pages.Admin.Settings.Users;

/// <summary>
/// One user: the account (lock, unlock, the daily digest), every role assignment past and present (assign a role at a
/// unit from a day, end one on its last day) and the workflow candidate groups the user is in today.
/// </summary>
[Authorize]
public sealed class DetailModel(UserAdministration administration, OrganisationService organisation, IStringLocalizer<SharedResource> text, TimeProvider clock)
    : PeopleCriteriaPageModel(organisation)
{
    [BindProperty(SupportsGet = true)]
    public string UserName { get; set; } = "";

    /// <summary>The province whose units the picker offers.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Province { get; set; }

    public UserDetailView Account { get; private set; } = null!;

    public IReadOnlyList<UnitInfo> UnitChoices { get; private set; } = [];

    /// <summary>The provinces the picker can show: the administrator's, or every province for a national administrator.</summary>
    public IReadOnlyList<(string Code, string Name)> ProvinceChoices { get; private set; } = [];

    public DateOnly Today { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        try
        {
            Account = await administration.DetailAsync(Official, UserName, HttpContext.RequestAborted);
        }
        catch (UserAdministrationException e) when (e.NotFound)
        {
            return NotFound();
        }

        Today = clock.GetUtcNow().VietnamDate();
        var reach = UserAdministration.Provinces(Official);
        ProvinceChoices = [.. (await administration.ProvincesInForceAsync(HttpContext.RequestAborted)).Where(p => reach is null || reach.Contains(p.Code))];
        Province = string.IsNullOrWhiteSpace(Province)
            ? Account.Assignments.Where(a => a.Current && a.Unit.Province is not null && a.InReach).Select(a => a.Unit.Province).FirstOrDefault()
              ?? (ProvinceChoices.Count == 1 ? ProvinceChoices[0].Code : null)
            : Province.Trim();
        UnitChoices = await administration.UnitChoicesAsync(Official, Province, HttpContext.RequestAborted);
        return Page();
    }

    /// <summary>Giao vai trò: a role at a unit from a day (today when left empty).</summary>
    public Task<IActionResult> OnPostAssignAsync(string? unit, string? role, string? from) =>
        ActAsync("RoleAssigned", () => administration.AssignAsync(Official, UserName, unit, role, Day(from), HttpContext.RequestAborted));

    /// <summary>Kết thúc vai trò: its last day (today when left empty).</summary>
    public Task<IActionResult> OnPostEndAsync(int assignmentId, string? lastDay) =>
        ActAsync("RoleEnded", () => administration.EndAsync(Official, UserName, assignmentId, Day(lastDay), HttpContext.RequestAborted));

    public Task<IActionResult> OnPostLockAsync() => ActAsync("UserLocked", () => administration.SetLockedAsync(Official, UserName, true, HttpContext.RequestAborted));

    public Task<IActionResult> OnPostUnlockAsync() => ActAsync("UserUnlocked", () => administration.SetLockedAsync(Official, UserName, false, HttpContext.RequestAborted));

    /// <summary>Bỏ liên kết đăng nhập một lần: the next sign-in through the provider matches the account afresh.</summary>
    public Task<IActionResult> OnPostUnlinkAsync(string? loginProvider, string? providerKey) =>
        ActAsync("ExternalLoginRemoved", () => administration.UnlinkAsync(Official, UserName, loginProvider, providerKey, HttpContext.RequestAborted));

    /// <summary>Thư tổng hợp: <paramref name="receive"/> true to get the daily digest, false to stop it.</summary>
    public Task<IActionResult> OnPostDigestAsync(bool receive) =>
        ActAsync(receive ? "DigestOn" : "DigestOff", () => administration.SetDigestOptOutAsync(Official, UserName, !receive, HttpContext.RequestAborted));

    private async Task<IActionResult> ActAsync(string notice, Func<Task> act)
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        try
        {
            await act();
            Notice = notice;
        }
        catch (UserAdministrationException e) when (e.NotFound && !e.Codes.Any())
        {
            return NotFound();
        }
        catch (UserAdministrationException e)
        {
            Refused(e.Message, e.Codes, text);
        }

        return Redirect($"/admin/settings/users/{Uri.EscapeDataString(UserName)}" + (string.IsNullOrWhiteSpace(Province) ? "" : $"?province={Uri.EscapeDataString(Province)}"));
    }
}

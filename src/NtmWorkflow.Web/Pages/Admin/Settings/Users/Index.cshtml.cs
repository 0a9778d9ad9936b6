using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Infrastructure.Excel;

namespace NtmWorkflow.Web.Pages.Admin.Settings.Users;

/// <summary>
/// Người dùng: the accounts the administrator manages with their units and roles today, searched by name, email, unit or
/// role, 50 a page; and a new account (user name, full name, email, initial password under the password policy).
/// </summary>
[Authorize]
public sealed class IndexModel(UserAdministration administration, OrganisationService organisation, IStringLocalizer<SharedResource> text, TimeProvider clock)
    : PeopleCriteriaPageModel(organisation)
{
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public UserListPage Result { get; private set; } = null!;

    /// <summary>What was typed into the new account's form, kept when it is refused (never the password).</summary>
    public NewAccount Entered { get; private set; } = new(null, null, null, null);

    /// <summary>The refusal of the new account, shown with the form as it was filled in.</summary>
    public IReadOnlyList<string> CreateProblems { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        Result = await administration.ListAsync(Official, Search, PageNumber, HttpContext.RequestAborted);
        return Page();
    }

    /// <summary>Xuất Excel: every account the search finds, not only this page.</summary>
    public async Task<IActionResult> OnGetExcelAsync()
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        var rows = await administration.ExportAsync(Official, Search, ExcelExport.MaxRows, HttpContext.RequestAborted);
        return ExcelExport.File("nguoi-dung", clock.GetUtcNow(), text["People_Title"], Columns(text), rows, text);
    }

    /// <summary>The columns of the export: the list's, the roles of today one a line ("role – unit (key)").</summary>
    public static IReadOnlyList<ExcelColumn<UserRowView>> Columns(IStringLocalizer text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string Unit(UnitInfo unit) => unit.Kind.Length == 0 ? unit.Key : $"{text["People_UnitKind_" + unit.Kind, unit.Name ?? unit.Code]} ({unit.Key})";
        return
        [
            new(text["UserName"], u => u.UserName),
            new(text["People_FullName"], u => u.FullName),
            new(text["People_Email"], u => u.Email),
            new(text["People_RolesToday"], u => string.Join("\n", u.Today.Select(t => $"{text["Role_" + t.Role]} – {Unit(t.Unit)}"))),
            new(text["People_State"], u => text[u.Locked ? "People_Locked" : "People_Active"].Value),
            new(text["Export_Digest"], u => text[u.DigestOptOut ? "Export_No" : "Export_Yes"].Value),
        ];
    }

    /// <summary>The export with the list's search (every page).</summary>
    public string ExcelUrl => Url.Page("/Admin/Settings/Users/Index", "Excel", new { q = string.IsNullOrWhiteSpace(Search) ? null : Search.Trim() })!;

    /// <summary>Tạo tài khoản: on success the new user's page, where roles are assigned.</summary>
    public async Task<IActionResult> OnPostCreateAsync(string? userName, string? fullName, string? email, string? password)
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        Entered = new NewAccount(userName, fullName, email, null);
        try
        {
            var user = await administration.CreateAsync(Official, new NewAccount(userName, fullName, email, password), HttpContext.RequestAborted);
            Notice = "UserCreated";
            return Redirect($"/admin/settings/users/{Uri.EscapeDataString(user.UserName!)}");
        }
        catch (UserAdministrationException e)
        {
            var explained = e.Codes.Select(c => text["People_Error_" + c, HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Identity.IdentityOptions>>().Value.Password.RequiredLength]).Where(s => !s.ResourceNotFound).Select(s => s.Value).Distinct(StringComparer.Ordinal).ToList();
            CreateProblems = explained.Count == 0 ? [e.Message] : explained;
            Result = await administration.ListAsync(Official, Search, PageNumber, HttpContext.RequestAborted);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
    }

    public string Query(int page) => QueryString.Create(new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["q"] = string.IsNullOrWhiteSpace(Search) ? null : Search.Trim(), ["p"] = page.ToString(CultureInfo.InvariantCulture),
    }.Where(p => p.Value is not null)).ToString();
}

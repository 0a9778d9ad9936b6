using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using NtmWorkflow.Web.Features.Monitor;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Infrastructure.Excel;

namespace NtmWorkflow.Web.Pages.Admin.Instances;

/// <summary>Theo dõi quy trình: the workflow instances the official watches, newest first, filtered and paged.</summary>
[Authorize]
public sealed class IndexModel(InstanceMonitor monitor, OrganisationService organisation, IStringLocalizer<SharedResource> text, TimeProvider clock) : MonitorPageModel(organisation)
{
    [BindProperty(SupportsGet = true)]
    public string? Process { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? Version { get; set; }

    [BindProperty(SupportsGet = true)]
    public MonitorState? State { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Province { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Commune { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool? Incident { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Overdue { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public MonitorPage Result { get; private set; } = null!;

    /// <summary>The signed-in official, for what the page offers them.</summary>
    public Official CurrentOfficial => Official;

    /// <summary>The provinces the official chooses between; empty for a national administrator (who types a code).</summary>
    public IReadOnlyList<string> Provinces { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        Provinces = MonitorAccess.IsNational(Official) ? [] : MonitorAccess.Provinces(Official);
        Result = await monitor.ListAsync(Official, Filter, HttpContext.RequestAborted);
        return Page();
    }

    /// <summary>Xuất Excel: every instance the list shows with these filters, not only this page.</summary>
    public async Task<IActionResult> OnGetExcelAsync()
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        var rows = await monitor.ExportAsync(Official, Filter, ExcelExport.MaxRows, HttpContext.RequestAborted);
        return ExcelExport.File("theo-doi-quy-trinh", clock.GetUtcNow(), text["Monitor_Title"], Columns(text), rows, text);
    }

    /// <summary>The columns of the export: the list's, with the unit and the incident each in cells of their own.</summary>
    public static IReadOnlyList<ExcelColumn<MonitorItem>> Columns(IStringLocalizer text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string YesNo(bool value) => text[value ? "Export_Yes" : "Export_No"];
        return
        [
            new(text["Monitor_BusinessKey"], i => i.BusinessKey),
            new(text["Monitor_Process"], i => i.ProcessId),
            new(text["Monitor_Version"], i => i.Version),
            new(text["Monitor_State"], i => text["MonitorState_" + i.State].Value),
            new(text["Monitor_Incident"], i => YesNo(i.HasIncident)),
            new(text["Monitor_Province"], i => i.ProvinceCode),
            new(text["Monitor_Commune"], i => i.CommuneName),
            new(text["Monitor_Started"], i => i.StartedAt),
            new(text["Monitor_Updated"], i => i.UpdatedAt),
            new(text["Monitor_NextDue"], i => i.State is MonitorState.Running or MonitorState.Faulted ? i.NextTaskDue : null),
            new(text["Export_Overdue"], i => YesNo(i.Overdue)),
            new(text["Monitor_Id"], i => i.Id.ToString()),
        ];
    }

    /// <summary>The export with the list's filters (every page, so no page number).</summary>
    public string ExcelUrl => Url.Page("/Admin/Instances/Index", "Excel", Filters().ToDictionary(f => f.Key, f => (object?)f.Value))!;

    private MonitorFilter Filter => new(Process, Version, State, Province, Commune, Incident, Overdue, PageNumber);

    /// <summary>The filters and a page number as a query string, for the pager's links.</summary>
    public string Query(int page)
    {
        var query = new Dictionary<string, string?>(StringComparer.Ordinal) { ["p"] = page.ToString(CultureInfo.InvariantCulture) };
        foreach (var (name, value) in Filters())
        {
            query[name] = value;
        }

        return QueryString.Create(query).ToString();
    }

    /// <summary>The filters set, by their query names.</summary>
    private Dictionary<string, string?> Filters()
    {
        var query = new Dictionary<string, string?>(StringComparer.Ordinal);
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                query[name] = value;
            }
        }

        Add("process", Process);
        Add("version", Version?.ToString(CultureInfo.InvariantCulture));
        Add("state", State?.ToString());
        Add("province", Province);
        Add("commune", Commune);
        Add("incident", Incident is { } incident ? (incident ? "true" : "false") : null);
        Add("overdue", Overdue ? "true" : null);
        return query;
    }
}

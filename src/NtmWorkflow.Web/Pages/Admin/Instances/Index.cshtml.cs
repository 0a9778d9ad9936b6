using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NtmWorkflow.Web.Features.Monitor;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Pages.Admin.Instances;

/// <summary>Theo dõi quy trình: the workflow instances the official watches, newest first, filtered and paged.</summary>
[Authorize]
public sealed class IndexModel(InstanceMonitor monitor, OrganisationService organisation) : MonitorPageModel(organisation)
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

    /// <summary>The provinces the official chooses between; empty for a national administrator (who types a code).</summary>
    public IReadOnlyList<string> Provinces { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        Provinces = MonitorAccess.IsNational(Official) ? [] : MonitorAccess.Provinces(Official);
        Result = await monitor.ListAsync(Official, new MonitorFilter(Process, Version, State, Province, Commune, Incident, Overdue, PageNumber), HttpContext.RequestAborted);
        return Page();
    }

    /// <summary>The filters and a page number as a query string, for the pager's links.</summary>
    public string Query(int page)
    {
        var query = new Dictionary<string, string?>(StringComparer.Ordinal) { ["p"] = page.ToString(CultureInfo.InvariantCulture) };
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
        return QueryString.Create(query).ToString();
    }
}

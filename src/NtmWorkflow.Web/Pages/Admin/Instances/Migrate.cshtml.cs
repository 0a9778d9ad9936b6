using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Web.Features.Monitor;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Pages.Admin.Instances;

/// <summary>
/// Chuyển phiên bản: an administrator picks a process, the version its instances run and the one to move them to,
/// writes the mapping of renamed elements, previews what happens to each instance, then applies it.
/// </summary>
[Authorize]
public sealed class MigrateModel(InstanceMigrations migrations, AppDbContext db, OrganisationService organisation) : MonitorPageModel(organisation)
{
    [BindProperty(SupportsGet = true)]
    public string? Process { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? To { get; set; }

    [BindProperty]
    public string? Mapping { get; set; }

    /// <summary>Each published process with its versions, newest last.</summary>
    public IReadOnlyList<(string ProcessId, IReadOnlyList<int> Versions)> Processes { get; private set; } = [];

    public MigrationBatch? Batch { get; private set; }

    /// <summary>True once the batch was applied (not only previewed).</summary>
    public bool Applied { get; private set; }

    protected override bool Concerns(Official official) => InstanceMigrations.MayMigrate(official);

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        await LoadProcessesAsync();
        return Page();
    }

    public Task<IActionResult> OnPostPreviewAsync() => RunAsync(apply: false);

    public Task<IActionResult> OnPostApplyAsync() => RunAsync(apply: true);

    private async Task<IActionResult> RunAsync(bool apply)
    {
        if (!await SignedInAsync())
        {
            return Forbidden();
        }

        await LoadProcessesAsync();
        try
        {
            if (From is null || To is null)
            {
                throw new MonitorException(StatusCodes.Status400BadRequest, "Choose the version the instances run and the one to move them to.");
            }

            var request = new MigrationRequest(Process?.Trim() ?? "", From.Value, To.Value, InstanceMigrations.ParseMapping(Mapping));
            var ct = HttpContext.RequestAborted;
            Batch = apply ? await migrations.ApplyAsync(Official, request, ct) : await migrations.PreviewAsync(Official, request, ct);
            Applied = apply;
        }
        catch (MonitorException e)
        {
            // Shown on this page with what was typed kept; nothing was moved.
            Problem = e.Message;
            Response.StatusCode = e.Status;
        }

        return Page();
    }

    private async Task LoadProcessesAsync()
    {
        var definitions = await db.WorkflowDefinitions.AsNoTracking().Select(d => new { d.ProcessId, d.Version }).ToListAsync(HttpContext.RequestAborted);
        Processes = [.. definitions.GroupBy(d => d.ProcessId).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<int>)[.. g.Select(d => d.Version).Order()]))];
    }
}

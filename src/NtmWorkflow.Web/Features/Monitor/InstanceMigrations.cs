using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Audit;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Infrastructure;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Monitor;

/// <summary>What to move: the running instances of a process at one version, to another, with an element mapping.</summary>
public sealed record MigrationRequest(string ProcessId, int FromVersion, int ToVersion, IReadOnlyDictionary<string, string> Mapping);

/// <summary>One instance in a migration: its preview (what moves, or why it cannot) and, once applied, whether it moved.</summary>
public sealed record MigrationItem(Guid InstanceId, string? BusinessKey, string? ProvinceCode, string? CommuneName, MigrationPreview Preview, bool Migrated = false, string? Failure = null);

/// <summary>A migration previewed or applied: the instances of this batch and how many matching ones remain beyond it.</summary>
public sealed record MigrationBatch(MigrationRequest Request, IReadOnlyList<MigrationItem> Items, int Matching)
{
    public int Movable => Items.Count(i => i.Preview.CanMigrate);

    public int Refused => Items.Count(i => !i.Preview.CanMigrate);

    public int Migrated => Items.Count(i => i.Migrated);
}

/// <summary>
/// Chuyển phiên bản quy trình: moves running instances to another version of their process with an element mapping
/// (old element id → new one; an element not named keeps its id). Previewed per instance, applied in bulk, each
/// instance in its own save and audited there (<c>workflow.instanceMigrated</c>), the batch audited once more with its
/// mapping and counts. An instance a mapping would leave without a token stays where it is, with the reason. Who:
/// administrators, of their province's instances or, national ones, of all.
/// </summary>
public sealed partial class InstanceMigrations(AppDbContext db, WorkflowEngine engine)
{
    /// <summary>The most instances one preview or one apply handles; the page says how many remain.</summary>
    public const int BatchSize = 200;

    /// <summary>The longest mapping accepted, in lines.</summary>
    public const int MaxMappingLines = 500;

    public static bool MayMigrate(Official official) => MonitorAccess.IsNational(official) || MonitorAccess.AdministeredProvinces(official).Count > 0;

    /// <summary>
    /// A refusal in the reader's language, from its kind and elements (the engine's own text is English). Unknown kinds,
    /// from an engine newer than these texts, fall back to that English text.
    /// </summary>
    public static string RefusalText(IStringLocalizer localizer, MigrationRefusal refusal, int toVersion)
    {
        ArgumentNullException.ThrowIfNull(localizer);
        ArgumentNullException.ThrowIfNull(refusal);
        var text = localizer["MigrationRefusal_" + refusal.Kind, refusal.SourceElementId, refusal.TargetElementId ?? "", refusal.Detail ?? "", toVersion];
        return text.ResourceNotFound ? refusal.Message : text.Value;
    }

    /// <summary>
    /// Reads a mapping written one pair a line, <c>old → new</c> (also <c>-></c> or <c>=</c>); blank lines and lines
    /// starting with # are skipped. Throws <see cref="MonitorException"/> (400) naming the line that is not a pair of ids
    /// or maps an id a second time, or when the mapping has more than <see cref="MaxMappingLines"/> lines.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ParseMapping(string? text) =>
        PairLines.Parse(text, MaxMappingLines, ElementId().IsMatch, problem => new MonitorException(StatusCodes.Status400BadRequest, problem.Fault switch
        {
            PairLineFault.TooManyLines => $"The mapping has {problem.Line} lines; at most {MaxMappingLines} are read.",
            PairLineFault.Repeated => $"Line {problem.Line} of the mapping maps '{problem.Text}' a second time.",
            _ => $"Line {problem.Line} of the mapping, '{Shorten(problem.Text)}', is not 'old-element-id → new-element-id'.",
        }, field: "mapping"));

    /// <summary>
    /// Checks a mapping given as pairs (the API's): each side an element id, at most <see cref="MaxMappingLines"/>
    /// pairs. Throws <see cref="MonitorException"/> (400, field <c>mapping</c>) naming the pair at fault.
    /// </summary>
    public static IReadOnlyDictionary<string, string> CheckMapping(IReadOnlyDictionary<string, string>? mapping)
    {
        if (mapping is null)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        if (mapping.Count > MaxMappingLines)
        {
            throw new MonitorException(StatusCodes.Status400BadRequest, $"The mapping has {mapping.Count} pairs; at most {MaxMappingLines} are read.", field: "mapping");
        }

        foreach (var (from, to) in mapping)
        {
            if (!ElementId().IsMatch(from ?? "") || !ElementId().IsMatch(to ?? ""))
            {
                throw new MonitorException(StatusCodes.Status400BadRequest, $"The mapping's pair '{Shorten(from ?? "")}' → '{Shorten(to ?? "")}' is not two element ids.", field: "mapping");
            }
        }

        return mapping;
    }

    public Task<MigrationBatch> PreviewAsync(Official official, MigrationRequest request, CancellationToken ct) => RunAsync(official, request, apply: false, ct);

    public Task<MigrationBatch> ApplyAsync(Official official, MigrationRequest request, CancellationToken ct) => RunAsync(official, request, apply: true, ct);

    private async Task<MigrationBatch> RunAsync(Official official, MigrationRequest request, bool apply, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(official);
        ArgumentNullException.ThrowIfNull(request);
        if (!MayMigrate(official))
        {
            throw new MonitorException(StatusCodes.Status403Forbidden, "Only an administrator moves instances to another version.");
        }

        await CheckVersionsAsync(request, ct);
        var rows = db.WorkflowInstances.AsNoTracking()
            .Where(i => i.ProcessId == request.ProcessId && i.Version == request.FromVersion && i.Status == InstanceStatus.Running);
        if (!MonitorAccess.IsNational(official))
        {
            var provinces = MonitorAccess.AdministeredProvinces(official).ToArray();
            rows = rows.Where(i => i.ProvinceCode != null && provinces.Contains(i.ProvinceCode));
        }

        var matching = await rows.CountAsync(ct);
        var batch = await rows.OrderBy(i => i.StartedAt).ThenBy(i => i.Id).Take(BatchSize)
            .Select(i => new { i.Id, i.BusinessKey, i.ProvinceCode, i.CommuneName }).ToListAsync(ct);
        var items = new List<MigrationItem>(batch.Count);
        foreach (var instance in batch)
        {
            var preview = await engine.PreviewMigrationAsync(instance.Id, request.ToVersion, request.Mapping, ct);
            var item = new MigrationItem(instance.Id, instance.BusinessKey, instance.ProvinceCode, instance.CommuneName, preview);
            if (apply && preview.CanMigrate)
            {
                try
                {
                    item = item with { Preview = await engine.MigrateAsync(instance.Id, request.ToVersion, request.Mapping, official.UserName, ct), Migrated = true };
                }
                catch (WorkflowException e)
                {
                    // It moved on (or ended) between the preview and its turn: reported, the others go on.
                    item = item with { Failure = e.Message };
                }
            }

            items.Add(item);
        }

        var result = new MigrationBatch(request, items, matching);
        if (apply)
        {
            AuditTrail.Record(db, official.UserName, "workflow.migrationApplied", $"process/{request.ProcessId}",
                new { from = request.FromVersion, to = request.ToVersion, mapping = request.Mapping, migrated = result.Migrated, refused = result.Refused, matching });
            await db.SaveChangesAsync(ct);
        }

        return result;
    }

    private async Task CheckVersionsAsync(MigrationRequest request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.ProcessId))
        {
            throw new MonitorException(StatusCodes.Status400BadRequest, "Choose the process whose instances move.", field: "processId");
        }

        if (request.FromVersion == request.ToVersion)
        {
            throw new MonitorException(StatusCodes.Status400BadRequest, $"The instances already run version {request.ToVersion}.", field: "toVersion");
        }

        var versions = await db.WorkflowDefinitions.AsNoTracking().Where(d => d.ProcessId == request.ProcessId).Select(d => d.Version).ToListAsync(ct);
        foreach (var (field, version) in new[] { ("fromVersion", request.FromVersion), ("toVersion", request.ToVersion) }.Where(v => !versions.Contains(v.Item2)))
        {
            throw new MonitorException(StatusCodes.Status400BadRequest, $"Process '{request.ProcessId}' has no published version {version}.", field: field);
        }
    }

    private static string Shorten(string line) => line.Length > 80 ? line[..80] + "…" : line;

    [GeneratedRegex(@"^[A-Za-z_][\w.\-]{0,199}$")]
    private static partial Regex ElementId();
}

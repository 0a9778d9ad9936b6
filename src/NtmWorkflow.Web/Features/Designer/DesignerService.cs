using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Engine.Definitions;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Audit;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Features.Workflows.Store;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Designer;

/// <summary>A refusal of the designer: an HTTP status, a title, the detail, and the model's problems when it was invalid.</summary>
public sealed class DesignerException(int status, string title, string detail, IReadOnlyList<DesignerProblem>? errors = null) : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    public IReadOnlyList<DesignerProblem> Errors { get; } = errors ?? [];
}

/// <summary>One reason a model cannot be published, on its element (null: the document as a whole).</summary>
public sealed record DesignerProblem(string? ElementId, string Type, int? Line, string Message);

public sealed record DesignerValidation(bool Valid, IReadOnlyList<DesignerProblem> Errors);

/// <summary>A published version as the administration list shows it.</summary>
public sealed record ProcessVersion(int Version, string? Name, DateTimeOffset DeployedAt, string Source, string? PublishedBy, int RunningInstances);

public sealed record DraftInfo(int? BasedOnVersion, string UpdatedBy, DateTimeOffset UpdatedAt);

/// <summary>A process with every version, newest first, and its draft if one is saved.</summary>
public sealed record ProcessSummary(string ProcessId, string? Name, IReadOnlyList<ProcessVersion> Versions, DraftInfo? Draft)
{
    public ProcessVersion? Latest => Versions.Count > 0 ? Versions[0] : null;
}

/// <summary>What the designer opens: the draft when there is one, else the latest version.</summary>
public sealed record DesignerDocument(string ProcessId, string? Name, string Bpmn, bool IsDraft, int? BasedOnVersion, int? LatestVersion, DraftInfo? Draft)
{
    /// <summary>
    /// A version was published after the one the draft was opened from (by someone else, or from a file): publishing
    /// the draft would drop that version's changes unless the administrator carries them over.
    /// </summary>
    public bool PublishedSince => IsDraft && LatestVersion is { } latest && (BasedOnVersion ?? 0) < latest;
}

/// <summary>One difference of an element: <c>name</c>, <c>type</c>, <c>incoming</c>, <c>outgoing</c>, or an attribute or content path.</summary>
public sealed record ElementChange(string Aspect, string? Before, string? After);

public sealed record ElementDiff(string Id, string Type, string? Name, IReadOnlyList<ElementChange> Changes);

/// <summary>A model against a published version, by element id.</summary>
public sealed record WorkflowDiff(int? AgainstVersion, IReadOnlyList<ElementDiff> Added, IReadOnlyList<ElementDiff> Removed, IReadOnlyList<ElementDiff> Changed)
{
    public bool Same => Added.Count + Removed.Count + Changed.Count == 0;
}

public sealed record PublishedVersion(string ProcessId, int Version, string? Name, string ContentHash);

/// <summary>
/// The process designer's server side: administrators keep a draft per process, validate it as the engine would
/// deploy it (legal parameters included), compare it with the published version, and publish it as a new version
/// through the engine and the <c>WorkflowDefinitions</c> table, as start-up deploys files. Running instances keep
/// their version. Every save and publish is audited.
/// </summary>
public sealed class DesignerService(AppDbContext db, WorkflowEngine engine, TimeProvider clock)
{
    /// <summary>The largest model the designer takes, in characters.</summary>
    public const int MaxBpmnLength = 4 * 1024 * 1024;

    /// <summary>Administrators, national or of a province, edit and publish processes.</summary>
    public static bool MayDesign(Official official)
    {
        ArgumentNullException.ThrowIfNull(official);
        return official.Assignments.Any(a => a.Role == Roles.Administrator);
    }

    public async Task<IReadOnlyList<ProcessSummary>> ProcessesAsync(CancellationToken cancellationToken)
    {
        var versions = await db.WorkflowDefinitions.AsNoTracking()
            .Select(d => new { d.ProcessId, d.Version, d.Name, d.DeployedAt, d.Source, d.PublishedBy }).ToListAsync(cancellationToken);
        var running = await db.WorkflowInstances.AsNoTracking().Where(i => i.Status == InstanceStatus.Running)
            .GroupBy(i => new { i.ProcessId, i.Version }).Select(g => new { g.Key.ProcessId, g.Key.Version, Count = g.Count() }).ToListAsync(cancellationToken);
        var drafts = await db.WorkflowDrafts.AsNoTracking().ToListAsync(cancellationToken);
        return [.. versions.Select(v => v.ProcessId).Concat(drafts.Select(d => d.ProcessId)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(id =>
        {
            List<ProcessVersion> own = [.. versions.Where(v => v.ProcessId == id).OrderByDescending(v => v.Version).Select(v => new ProcessVersion(v.Version, v.Name,
                v.DeployedAt, v.Source, v.PublishedBy, running.FirstOrDefault(r => r.ProcessId == id && r.Version == v.Version)?.Count ?? 0))];
            var draft = drafts.FirstOrDefault(d => d.ProcessId == id);
            return new ProcessSummary(id, own.FirstOrDefault()?.Name, own, draft is null ? null : new DraftInfo(draft.BasedOnVersion, draft.UpdatedBy, draft.UpdatedAt));
        })];
    }

    /// <summary>The draft of a process, or its latest version when no draft is saved.</summary>
    public async Task<DesignerDocument> OpenAsync(Official official, string processId, CancellationToken cancellationToken)
    {
        Require(official);
        var latest = await LatestAsync(processId, cancellationToken);
        var draft = await db.WorkflowDrafts.AsNoTracking().SingleOrDefaultAsync(d => d.ProcessId == processId, cancellationToken);
        if (draft is not null)
        {
            return new DesignerDocument(processId, latest?.Name, draft.Bpmn, true, draft.BasedOnVersion, latest?.Version, new DraftInfo(draft.BasedOnVersion, draft.UpdatedBy, draft.UpdatedAt));
        }

        return latest is null
            ? throw NoSuchProcess(processId)
            : new DesignerDocument(processId, latest.Name, Encoding.UTF8.GetString(latest.Bpmn), false, latest.Version, latest.Version, null);
    }

    /// <summary>The .bpmn of a published version (the latest when null).</summary>
    public async Task<(string FileName, byte[] Content)> VersionFileAsync(Official official, string processId, int? version, CancellationToken cancellationToken)
    {
        Require(official);
        var row = version is { } number
            ? await db.WorkflowDefinitions.AsNoTracking().SingleOrDefaultAsync(d => d.ProcessId == processId && d.Version == number, cancellationToken)
            : await LatestAsync(processId, cancellationToken);
        return row is null
            ? throw new DesignerException(StatusCodes.Status404NotFound, "Not found", version is null ? NoSuchProcess(processId).Message : $"Process '{processId}' has no version {version}.")
            : ($"{processId}.v{row.Version}.bpmn", row.Bpmn);
    }

    /// <summary>The .bpmn of the saved draft.</summary>
    public async Task<(string FileName, byte[] Content)> DraftFileAsync(Official official, string processId, CancellationToken cancellationToken)
    {
        Require(official);
        var draft = await db.WorkflowDrafts.AsNoTracking().SingleOrDefaultAsync(d => d.ProcessId == processId, cancellationToken)
                    ?? throw new DesignerException(StatusCodes.Status404NotFound, "Not found", $"Process '{processId}' has no saved draft.");
        return ($"{processId}.draft.bpmn", Encoding.UTF8.GetBytes(draft.Bpmn));
    }

    /// <summary>
    /// Saves the administrator's draft (it may still be invalid: validation is a separate step), refusing only what is
    /// no BPMN document at all: not XML, a DTD, too large, or without the process.
    /// </summary>
    public async Task<DraftInfo> SaveDraftAsync(Official official, string processId, string? bpmn, int? basedOnVersion, CancellationToken cancellationToken)
    {
        Require(official);
        var bytes = Readable(bpmn);
        var read = WorkflowEngine.Validate(bytes);
        if (read.Errors.Any(e => e.Type is "file" or "definitions") && read.Processes.Count == 0)
        {
            throw Unreadable(read);
        }

        if (!read.Processes.Contains(processId, StringComparer.Ordinal))
        {
            throw new DesignerException(StatusCodes.Status422UnprocessableEntity, "Not this process",
                $"The model has no process with the id '{processId}'; the designer saves a process under its own id.", [NoProcessProblem(processId)]);
        }

        var latest = await LatestAsync(processId, cancellationToken);
        var draft = await db.WorkflowDrafts.SingleOrDefaultAsync(d => d.ProcessId == processId, cancellationToken);
        if (draft is null && latest is null)
        {
            throw NoSuchProcess(processId);
        }

        var now = clock.GetUtcNow();
        if (draft is null)
        {
            draft = new WorkflowDraftRow { ProcessId = processId, Bpmn = bpmn!, UpdatedBy = official.UserName, BasedOnVersion = basedOnVersion ?? latest?.Version };
            db.WorkflowDrafts.Add(draft);
        }

        draft.Bpmn = bpmn!;
        draft.BasedOnVersion = basedOnVersion ?? draft.BasedOnVersion ?? latest?.Version;
        draft.UpdatedBy = official.UserName;
        draft.UpdatedAt = now;
        AuditTrail.Record(db, official.UserName, "definition.draft-saved", $"definition/{processId}/draft",
            new { draft.BasedOnVersion, length = bpmn!.Length, hash = Convert.ToHexString(SHA256.HashData(bytes)) });
        await db.SaveChangesAsync(cancellationToken);
        return new DraftInfo(draft.BasedOnVersion, draft.UpdatedBy, draft.UpdatedAt);
    }

    /// <summary>Throws the saved draft away; the published versions stay as they are.</summary>
    public async Task DiscardDraftAsync(Official official, string processId, CancellationToken cancellationToken)
    {
        Require(official);
        var draft = await db.WorkflowDrafts.SingleOrDefaultAsync(d => d.ProcessId == processId, cancellationToken)
                    ?? throw new DesignerException(StatusCodes.Status404NotFound, "Not found", $"Process '{processId}' has no saved draft.");
        db.WorkflowDrafts.Remove(draft);
        AuditTrail.Record(db, official.UserName, "definition.draft-discarded", $"definition/{processId}/draft",
            new { draft.BasedOnVersion, draft.UpdatedBy, hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(draft.Bpmn))) });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// The engine's verdict on the model, as publishing would give it: BPMN rules, expressions, the legal parameters
    /// its <c>param('…')</c> calls name, the handlers its topics name, and that it holds exactly this process.
    /// </summary>
    public DesignerValidation Validate(Official official, string processId, string? bpmn)
    {
        Require(official);
        var result = engine.Check(Readable(bpmn));
        List<DesignerProblem> errors = [.. result.Errors.Select(e => new DesignerProblem(e.Element, e.Type, e.Line, e.Message))];
        if (result.Processes.Count > 0 || errors.Count == 0)
        {
            if (!result.Processes.Contains(processId, StringComparer.Ordinal))
            {
                errors.Add(NoProcessProblem(processId));
            }

            errors.AddRange(result.Processes.Where(p => p != processId).Select(p => new DesignerProblem(p, "process", null,
                $"the model also defines the process '{p}'; the designer publishes one process at a time: remove it or edit it under its own id")));
        }

        return new DesignerValidation(errors.Count == 0, errors);
    }

    /// <summary>The model against the latest published version of the process: elements added, removed and changed, by id.</summary>
    public async Task<WorkflowDiff> DiffAsync(Official official, string processId, string? bpmn, CancellationToken cancellationToken)
    {
        Require(official);
        var bytes = Readable(bpmn);
        var read = WorkflowEngine.Validate(bytes);
        if (read.Errors.Any(e => e.Type == "file"))
        {
            throw Unreadable(read);
        }

        var latest = await LatestAsync(processId, cancellationToken);
        return BpmnDiff.Compare(latest?.Bpmn, bytes, processId, latest?.Version);
    }

    /// <summary>
    /// Publishes the model as the process's next version: refused, with every problem on its element, when the engine
    /// would not deploy it (its check with the legal parameters, as <see cref="WorkflowEngine.Deploy"/> makes it); the
    /// published versions and running instances are not touched then. Stored first (with the audit entry, and the
    /// draft removed, in one transaction), then registered with the engine. Running instances keep their version.
    /// The draft is removed when <c>fromDraft</c> (the designer page publishes the draft it edits) or when it is the
    /// model published; another draft stays, flagged as overtaken.
    /// </summary>
    public async Task<PublishedVersion> PublishAsync(Official official, string processId, string? bpmn, bool fromDraft, CancellationToken cancellationToken)
    {
        var validation = Validate(official, processId, bpmn);
        if (!validation.Valid)
        {
            throw new DesignerException(StatusCodes.Status422UnprocessableEntity, "The model is not valid",
                $"The model cannot be published: {validation.Errors.Count} problem(s), the first: {Describe(validation.Errors[0])}", validation.Errors);
        }

        var bytes = Encoding.UTF8.GetBytes(bpmn!);
        var hash = Convert.ToHexString(SHA256.HashData(bytes));
        await CatchUpAsync(processId, cancellationToken);
        var latest = await LatestAsync(processId, cancellationToken);
        if (latest is not null && latest.ContentHash == hash)
        {
            throw new DesignerException(StatusCodes.Status409Conflict, "Nothing to publish", $"The model is the same as version {latest.Version}, which is in force.");
        }

        // The table decides the version number (another node may have published meanwhile: the unique index refuses
        // a second N+1); the engine registers the version once it is stored, as a restart restores it.
        var version = (latest?.Version ?? 0) + 1;
        var name = BpmnDiff.ProcessName(bytes, processId);
        db.WorkflowDefinitions.Add(new WorkflowDefinitionRow
        {
            ProcessId = processId, Version = version, Name = name, ContentHash = hash, Bpmn = bytes,
            Source = "designer", DeployedAt = clock.GetUtcNow(), PublishedBy = official.UserName,
        });
        // A draft the publisher did not publish from (a model sent through the API) stays, and the designer flags that a
        // version was published since it was opened.
        if (await db.WorkflowDrafts.SingleOrDefaultAsync(d => d.ProcessId == processId, cancellationToken) is { } draft
            && (fromDraft || string.Equals(draft.Bpmn, bpmn, StringComparison.Ordinal)))
        {
            db.WorkflowDrafts.Remove(draft);
        }

        AuditTrail.Record(db, official.UserName, "definition.published", $"definition/{processId}/{version}", new { hash, basedOn = latest?.Version, name });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            await CatchUpAsync(processId, cancellationToken);
            throw new DesignerException(StatusCodes.Status409Conflict, "Changed by someone else",
                $"Version {version} of '{processId}' was published by someone else meanwhile; open the designer again.");
        }

        engine.Restore(bytes, processId, version);
        return new PublishedVersion(processId, version, name, hash);
    }

    /// <summary>Registers with this node's engine the versions other nodes published since it started.</summary>
    private async Task CatchUpAsync(string processId, CancellationToken cancellationToken)
    {
        var known = engine.DeployedProcesses.FirstOrDefault(p => p.ProcessId == processId)?.Version ?? 0;
        var newer = await db.WorkflowDefinitions.AsNoTracking().Where(d => d.ProcessId == processId && d.Version > known)
            .OrderBy(d => d.Version).ToListAsync(cancellationToken);
        foreach (var row in newer)
        {
            engine.Restore(row.Bpmn, row.ProcessId, row.Version);
        }
    }

    private static string Describe(DesignerProblem problem) => problem.ElementId is null ? problem.Message : $"{problem.ElementId}: {problem.Message}";

    private async Task<WorkflowDefinitionRow?> LatestAsync(string processId, CancellationToken cancellationToken) =>
        await db.WorkflowDefinitions.AsNoTracking().Where(d => d.ProcessId == processId).OrderByDescending(d => d.Version).FirstOrDefaultAsync(cancellationToken);

    private static void Require(Official official)
    {
        if (!MayDesign(official))
        {
            throw new DesignerException(StatusCodes.Status403Forbidden, "Forbidden", "Only administrators edit and publish processes.");
        }
    }

    private static byte[] Readable(string? bpmn)
    {
        if (string.IsNullOrWhiteSpace(bpmn))
        {
            throw new DesignerException(StatusCodes.Status400BadRequest, "No model", "Send the BPMN XML of the model.",
                [new DesignerProblem(null, "file", null, "the model is empty")]);
        }

        return bpmn.Length > MaxBpmnLength
            ? throw new DesignerException(StatusCodes.Status413PayloadTooLarge, "Too large", $"A model is at most {MaxBpmnLength / (1024 * 1024)} MiB.",
                [new DesignerProblem(null, "file", null, "the model is too large")])
            : Encoding.UTF8.GetBytes(bpmn);
    }

    private static DesignerException Unreadable(ValidationResult read) =>
        new(StatusCodes.Status422UnprocessableEntity, "Not a BPMN model", "The model cannot be read: " + read.Errors[0].Message,
            [.. read.Errors.Select(e => new DesignerProblem(e.Element, e.Type, e.Line, e.Message))]);

    private static DesignerProblem NoProcessProblem(string processId) =>
        new(null, "definitions", null, $"the model has no process with the id '{processId}'");

    private static DesignerException NoSuchProcess(string processId) =>
        new(StatusCodes.Status404NotFound, "Not found", $"There is no process '{processId}'.");
}

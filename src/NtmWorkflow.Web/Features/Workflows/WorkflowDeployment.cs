using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Engine.Definitions;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Workflows.Store;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Workflows;

/// <summary>Section <c>Workflows</c>.</summary>
public sealed class WorkflowOptions
{
    public const string SectionName = "Workflows";

    /// <summary>The folder of *.bpmn files deployed at start-up; by default the copy of workflows/ beside the app.</summary>
    public string? Folder { get; set; }
}

/// <summary>A file that could not be deployed at start-up: the previous version stays in force.</summary>
public sealed record DeploymentProblem(string Source, DateTimeOffset At, IReadOnlyList<ValidationError> Errors);

/// <summary>
/// Brings the engine's definitions in line with the database and the workflows folder: every stored
/// version is restored (running instances need theirs), then each file whose content changed is
/// published as a new version and stored. An invalid file deploys nothing; its problems are logged and
/// kept for administrators.
/// </summary>
public sealed class WorkflowDeployment(WorkflowEngine engine, IConfiguration configuration, TimeProvider clock, ILogger<WorkflowDeployment> logger)
{
    private readonly List<DeploymentProblem> _problems = [];
    private readonly Lock _lock = new();

    public IReadOnlyList<DeploymentProblem> Problems
    {
        get
        {
            lock (_lock)
            {
                return [.. _problems];
            }
        }
    }

    public string Folder => configuration.GetSection(WorkflowOptions.SectionName).Get<WorkflowOptions>()?.Folder is { Length: > 0 } folder
        ? Path.GetFullPath(folder)
        : Path.Combine(AppContext.BaseDirectory, "workflows");

    /// <summary>
    /// Registers the versions published on other app nodes (in the designer) since this node restored its own, so
    /// new instances start on the latest everywhere and instances of any version can run here.
    /// </summary>
    public async Task CatchUpAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var known = engine.DeployedProcesses.ToDictionary(p => p.ProcessId, p => p.Version, StringComparer.Ordinal);
        var latest = await db.WorkflowDefinitions.AsNoTracking().GroupBy(d => d.ProcessId).Select(g => new { ProcessId = g.Key, Version = g.Max(d => d.Version) })
            .ToListAsync(cancellationToken);
        foreach (var process in latest.Where(p => known.GetValueOrDefault(p.ProcessId) < p.Version))
        {
            var from = known.GetValueOrDefault(process.ProcessId);
            foreach (var row in await db.WorkflowDefinitions.AsNoTracking().Where(d => d.ProcessId == process.ProcessId && d.Version > from).ToListAsync(cancellationToken))
            {
                engine.Restore(row.Bpmn, row.ProcessId, row.Version);
                logger.LogInformation("Registered {Process} version {Version}, published on another node", row.ProcessId, row.Version);
            }
        }
    }

    /// <summary>Restores stored versions, then deploys the folder. Call inside the start-up lock (one node at a time).</summary>
    public async Task SynchronizeAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var stored = await db.WorkflowDefinitions.AsNoTracking().OrderBy(d => d.ProcessId).ThenBy(d => d.Version).ToListAsync(cancellationToken);
        foreach (var row in stored)
        {
            engine.Restore(row.Bpmn, row.ProcessId, row.Version);
        }

        if (!Directory.Exists(Folder))
        {
            logger.LogWarning("The workflows folder {Folder} does not exist: no definitions were deployed from files", Folder);
            return;
        }

        foreach (var file in Directory.GetFiles(Folder, "*.bpmn").Order(StringComparer.Ordinal))
        {
            var source = "workflows/" + Path.GetFileName(file);
            var bytes = await File.ReadAllBytesAsync(file, cancellationToken);

            // A file deployed before is not deployed again: a version an administrator published since in the
            // designer stays in force until the file itself changes.
            var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes));
            if (stored.Any(s => s.ContentHash == hash))
            {
                continue;
            }

            var result = engine.Deploy(bytes);
            if (!result.Validation.Valid)
            {
                lock (_lock)
                {
                    _problems.Add(new DeploymentProblem(source, clock.GetUtcNow(), result.Validation.Errors));
                }

                logger.LogError("{Source} was not deployed; the previous version stays in force. Problems: {Problems}", source,
                    string.Join("; ", result.Validation.Errors.Select(e => $"line {e.Line} {e.Type} {e.Element}: {e.Message}")));
                continue;
            }

            foreach (var process in result.Processes.Where(p => !stored.Any(s => s.ProcessId == p.ProcessId && s.Version == p.Version)))
            {
                db.WorkflowDefinitions.Add(new WorkflowDefinitionRow
                {
                    ProcessId = process.ProcessId, Version = process.Version, Name = process.Name, ContentHash = process.ContentHash,
                    Bpmn = bytes, Source = source, DeployedAt = clock.GetUtcNow(),
                });
                Audit.AuditTrail.Record(db, "system", "definition.deployed", $"definition/{process.ProcessId}/{process.Version}", new { source, process.ContentHash });
                logger.LogInformation("Deployed {Process} version {Version} from {Source}", process.ProcessId, process.Version, source);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}

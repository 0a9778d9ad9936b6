using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Inbox;

/// <summary>
/// Keeps the dossier columns of open tasks (<see cref="Workflows.Store.WorkflowTaskRow.DossierId"/>, commune
/// code and name) right. A dossier starts its workflow and then records the instance, so the first tasks are
/// made before the link exists: the store fills a new task from the linked dossier when there is one, and
/// linking a dossier fills the tasks its instance already has.
/// </summary>
public static class InboxColumns
{
    /// <summary>What a task of the instance shows of its dossier (the recognition or the revocation workflow), or null.</summary>
    public static Task<DossierColumns?> OfInstanceAsync(AppDbContext db, Guid instanceId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Dossiers.AsNoTracking().Where(d => d.InstanceId == instanceId || d.RevocationInstanceId == instanceId)
            .Select(d => new DossierColumns(d.Id, d.CommuneCode, d.CommuneName, d.ProvinceCode)).FirstOrDefaultAsync(ct);
    }

    /// <summary>Fills the open tasks of an instance the dossier was just linked to, and the instance row's dossier columns.</summary>
    public static async Task<int> FillAsync(AppDbContext db, DossierRow dossier, Guid instanceId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(dossier);

        // The instance monitor's columns of the instance row too (see WorkflowInstanceRow).
        await db.WorkflowInstances.Where(i => i.Id == instanceId).ExecuteUpdateAsync(s => s
            .SetProperty(i => i.DossierId, dossier.Id)
            .SetProperty(i => i.CommuneCode, dossier.CommuneCode)
            .SetProperty(i => i.CommuneName, dossier.CommuneName)
            .SetProperty(i => i.ProvinceCode, dossier.ProvinceCode), ct);
        return await db.WorkflowTasks.Where(t => t.InstanceId == instanceId).ExecuteUpdateAsync(s => s
            .SetProperty(t => t.DossierId, dossier.Id)
            .SetProperty(t => t.CommuneCode, dossier.CommuneCode)
            .SetProperty(t => t.CommuneName, dossier.CommuneName), ct);
    }
}

/// <summary>What the rows a workflow step writes show of the instance's dossier: its tasks' inbox columns and its completed tasks.</summary>
public sealed record DossierColumns(Guid DossierId, string CommuneCode, string CommuneName, string ProvinceCode);

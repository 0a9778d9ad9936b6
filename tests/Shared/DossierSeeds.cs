using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Web.Features.Dossiers;

namespace NtmWorkflow.Testing;

/// <summary>Dossiers of the demo province brought to a given step by the app's own demo steps (<see cref="DemoDossiers"/>), each in a scope of its own.</summary>
public static class DossierSeeds
{
    public static Task<Guid> OpenAsync(IServiceProvider services, string communeOfficer, string commune) =>
        WithAsync(services, demo => demo.OpenAsync(communeOfficer, commune, CancellationToken.None));

    public static Task AssessAllAsync(IServiceProvider services, string communeOfficer, Guid dossierId, params string[] leave) =>
        WithAsync(services, async demo =>
        {
            await demo.AssessAllAsync(communeOfficer, dossierId, CancellationToken.None, leave);
            return 0;
        });

    public static Task SetConditionsAsync(IServiceProvider services, string communeOfficer, Guid dossierId) =>
        WithAsync(services, async demo =>
        {
            await demo.SetConditionsAsync(communeOfficer, dossierId, CancellationToken.None);
            return 0;
        });

    public static Task<Guid> AtDepartmentReviewAsync(IServiceProvider services, string communeOfficer, string commune) =>
        WithAsync(services, demo => demo.AtDepartmentReviewAsync(communeOfficer, commune, CancellationToken.None));

    /// <summary>
    /// A dossier past every department's review (completed as the engine records them), every indicator met: waiting
    /// for the coordination office to put it on a council session's agenda.
    /// </summary>
    public static async Task<Guid> AwaitingCouncilAsync(IServiceProvider services, string communeOfficer, string commune)
    {
        var id = await AtDepartmentReviewAsync(services, communeOfficer, commune);
        await using var scope = services.CreateAsyncScope();
        var dossiers = scope.ServiceProvider.GetRequiredService<DossierService>();
        var engine = scope.ServiceProvider.GetRequiredService<NtmWorkflow.Engine.Runtime.WorkflowEngine>();
        foreach (var review in (await dossiers.OpenTasksAsync(await dossiers.LoadAsync(id, CancellationToken.None), CancellationToken.None)).Where(t => t.ElementId == "departmentReview"))
        {
            await engine.CompleteTaskAsync(review.Id, new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { ["decision"] = "forward" }, "test");
        }

        var waiting = (await dossiers.OpenTasksAsync(await dossiers.LoadAsync(id, CancellationToken.None), CancellationToken.None)).Select(t => t.ElementId).ToList();
        return waiting is ["scheduleCouncil"] ? id : throw new InvalidOperationException($"The dossier waits at {string.Join(", ", waiting)}, not for the council.");
    }

    /// <summary>
    /// Xã Ngọc Đường's dossier one step on: its self-assessment task completed as the engine records it (no values
    /// checked), the posting and survey open.
    /// </summary>
    public static async Task<Guid> OneStepOnAsync(IServiceProvider services)
    {
        var id = await OpenAsync(services, "xa.lan", "00700");
        await using var scope = services.CreateAsyncScope();
        var dossiers = scope.ServiceProvider.GetRequiredService<DossierService>();
        var task = (await dossiers.OpenTasksAsync(await dossiers.LoadAsync(id, CancellationToken.None), CancellationToken.None)).Single();
        if (task.ElementId != "selfAssessment")
        {
            throw new InvalidOperationException($"A new dossier waits at {task.ElementId}, not at its self-assessment.");
        }

        await scope.ServiceProvider.GetRequiredService<NtmWorkflow.Engine.Runtime.WorkflowEngine>().CompleteTaskAsync(task.Id, null, "xa.lan");
        return id;
    }

    /// <summary>
    /// Version 2 of the shipped two-tier workflow, published by the national administrator: the self-assessment step
    /// renamed (selfAssessment → communeSelfAssessment) and a check by the commune added after it.
    /// </summary>
    public static async Task PublishRenamedSelfAssessmentAsync(IServiceProvider services)
    {
        const string process = "ntm-commune-two-tier";
        var shipped = await File.ReadAllTextAsync(Path.Combine(TestEnvironment.RepositoryRoot, "workflows", process + ".bpmn"));
        var edited = WorkflowEdits.AddStepAfter(WorkflowEdits.RenameStep(shipped, "selfAssessment", "communeSelfAssessment"), "communeSelfAssessment",
            "selfAssessmentCheck", "Kiểm tra kết quả tự đánh giá", "${'commune-' + communeCode}");
        await using var scope = services.CreateAsyncScope();
        var admin = await scope.ServiceProvider.GetRequiredService<NtmWorkflow.Web.Features.Organisation.OrganisationService>().FindOfficialAsync("admin", null, CancellationToken.None)
                    ?? throw new InvalidOperationException("The demo data has no national administrator 'admin'.");
        var published = await scope.ServiceProvider.GetRequiredService<NtmWorkflow.Web.Features.Designer.DesignerService>().PublishAsync(admin, process, edited, fromDraft: false, CancellationToken.None);
        if (published.Version != 2)
        {
            throw new InvalidOperationException($"The edited workflow was published as version {published.Version}, not 2.");
        }
    }

    private static async Task<T> WithAsync<T>(IServiceProvider services, Func<DemoDossiers, Task<T>> act)
    {
        await using var scope = services.CreateAsyncScope();
        return await act(scope.ServiceProvider.GetRequiredService<DemoDossiers>());
    }
}

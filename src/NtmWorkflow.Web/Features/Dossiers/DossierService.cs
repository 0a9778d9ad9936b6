using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.AdministrativeUnits;
using NtmWorkflow.Web.Features.Audit;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Inbox;
using NtmWorkflow.Web.Features.LegalParameters;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Dossiers;

/// <summary>A refused dossier action: <see cref="Status"/> is the HTTP status (400 bad input, 403 not yours, 404, 409 wrong state, 422 conditions not met).</summary>
public sealed class DossierException(int status, string title, string detail, IReadOnlyList<string>? problems = null) : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    /// <summary>Every item that stopped the action (unmet indicators, missing values, …).</summary>
    public IReadOnlyList<string> Problems { get; } = problems ?? [];
}

public sealed record OpenDossierRequest(string? CommuneCode, RecognitionTier? Tier, int? Year, CriteriaSubject? Subject, string? VillageName,
    string? ThresholdScope, DateOnly? OpenedOn, string? OutstandingField);

public sealed record IndicatorValueRequest(JsonElement? Value, bool? Met, string? Note);

public sealed record EvidenceRequest(string? Name, string? DocumentId, string? Uri);

public sealed record ConditionsRequest(decimal? SatisfactionPercent, int? SurveyedHouseholds, bool? ConstructionDebtCleared, SecurityOrderStatus? SecurityOrder,
    DateOnly? PostedFrom, DateOnly? PostedTo, int? CommentsReceived, string? CommentsSummary);

public sealed record FindingRequest(string? Indicator, string? Finding, string? Reason);

public sealed record ReviewRequest(string? Decision, string? Reason, List<FindingRequest>? Findings, List<string>? ReturnItems);

public sealed record DecisionRequest(string? DecisionNumber, DateOnly? DecisionDate);

public sealed record RevocationRequest(List<string>? FailingCriteria, string? Reason);

/// <summary>The workflow steps of a commune the dossier API completes, by form key.</summary>
public enum CommuneStep
{
    SelfAssessment,
    PostingAndSurvey,
    Submit,
}

/// <summary>
/// Dossiers: open one (criteria set and workflow by opening date), fill the self-assessment, attach evidence
/// references, record the recognition conditions, submit, review at each level with findings per indicator,
/// and decide. Every change is audited; every refusal says exactly what is wrong and changes nothing.
/// </summary>
public sealed class DossierService(
    AppDbContext db,
    WorkflowEngine engine,
    CriteriaCatalog catalog,
    LiveLegalParameters parameters,
    OrganisationService organisation,
    TimeProvider clock)
{
    /// <summary>District verification ended and the two-tier path began on this day (Resolution 60-NQ/TW, ntm-domain.md §10).</summary>
    public static readonly DateOnly TwoTierFrom = new(2025, 7, 1);

    public const string TwoTierProcess = "ntm-commune-two-tier";
    public const string ThreeTierProcess = "ntm-commune";
    public const string VillageProcess = "ntm-village";
    public const string RevocationProcess = "ntm-revocation";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private DateOnly Today => VietnamTime.VietnamDate(clock.GetUtcNow());

    // ----- opening ------------------------------------------------------------------------------

    public async Task<DossierRow> OpenAsync(Official official, OpenDossierRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(official);
        ArgumentNullException.ThrowIfNull(request);
        var subject = request.Subject ?? CriteriaSubject.Commune;
        var tier = request.Tier ?? RecognitionTier.Ntm;
        var openedOn = request.OpenedOn ?? Today;
        if (string.IsNullOrWhiteSpace(request.CommuneCode))
        {
            throw Bad("communeCode is required.");
        }

        if (openedOn > Today || openedOn.Year < 2022)
        {
            throw Bad($"openedOn must be a day from 2022 to today, not {openedOn:yyyy-MM-dd}.");
        }

        var year = request.Year ?? openedOn.Year;
        if (year < openedOn.Year - 1 || year > openedOn.Year + 1)
        {
            throw Bad($"The evaluation year {year} does not fit a dossier opened on {openedOn:yyyy-MM-dd}.");
        }

        if (subject == CriteriaSubject.Village && string.IsNullOrWhiteSpace(request.VillageName))
        {
            throw Bad("A village dossier needs villageName.");
        }

        // The commune as the list in force on the opening day names it (codes are reused across editions).
        var commune = await db.AdministrativeUnits.AsNoTracking().Include(u => u.Parent).ThenInclude(p => p!.Parent)
            .Where(u => u.Level == AdministrativeLevel.Commune && u.Code == request.CommuneCode.Trim()
                && (u.ValidFrom == null || u.ValidFrom <= openedOn) && (u.ValidTo == null || u.ValidTo >= openedOn))
            .FirstOrDefaultAsync(ct) ?? throw new DossierException(404, "Unknown commune", $"There is no commune {request.CommuneCode} on {openedOn:yyyy-MM-dd}.");
        if (commune.Kind != "Xã" && subject == CriteriaSubject.Commune)
        {
            throw Bad($"{commune.Name} is a {commune.Kind.ToLowerInvariant()}, not a commune: NTM recognition is for communes.");
        }

        var district = commune.Parent?.Level == AdministrativeLevel.District ? commune.Parent : null;
        var province = district?.Parent ?? commune.Parent ?? throw new InvalidOperationException($"Commune {commune.Code} has no province.");
        var communeUnit = new UnitKey(UnitKey.Commune, commune.Code);
        var provinceCode = await CurrentProvinceCodeAsync(commune, province, ct);
        if (!official.Holds(Roles.CommuneOfficer, communeUnit) && !official.Holds(Roles.CoordinationOffice, new UnitKey(UnitKey.CoordinationOffice, provinceCode))
            && !official.Administers(provinceCode))
        {
            throw Forbidden($"{official.UserName} is neither an NTM officer of {commune.Name} nor of the coordination office of its province.");
        }

        var set = await catalog.SetInForceAsync(subject, tier, openedOn, ct)
                  ?? throw new DossierException(422, "No criteria set", $"No {subject} {tier} criteria set applies to a dossier opened on {openedOn:yyyy-MM-dd}.");
        var indicators = set.Criteria.SelectMany(c => c.Indicators).ToList();
        if (indicators.Count == 0)
        {
            throw new DossierException(422, "The criteria set has no indicators",
                $"The criteria set {set.Code} ({set.Decision}) has no indicators yet: an administrator must enter them before dossiers can be opened on it.");
        }

        if (set.ThresholdBasis is not null && string.IsNullOrWhiteSpace(request.ThresholdScope))
        {
            throw Bad($"The set {set.Code} has thresholds by {set.ThresholdBasis}: give thresholdScope (the commune's {set.ThresholdBasis}).");
        }

        var code = $"{year}-{tier.ToString().ToUpperInvariant()}-{commune.Code}" + (subject == CriteriaSubject.Village ? "-" + Slug(request.VillageName!) : "");
        if (await db.Dossiers.AnyAsync(d => d.Code == code && d.Status != DossierStatus.Cancelled, ct))
        {
            throw new DossierException(409, "Dossier exists", $"{commune.Name} already has a {tier} dossier for {year} ({code}).");
        }

        var processId = subject == CriteriaSubject.Village ? VillageProcess : openedOn < TwoTierFrom ? ThreeTierProcess : TwoTierProcess;
        var now = clock.GetUtcNow();
        var dossier = new DossierRow
        {
            Id = Guid.NewGuid(), Code = code, Subject = subject, Tier = tier, Year = year, ProvinceCode = provinceCode, CommuneCode = commune.Code, CommuneName = commune.Name,
            DistrictCode = district?.Code, VillageName = request.VillageName?.Trim(), OpenedOn = openedOn, ProcessId = processId, CriteriaSetId = set.Id, CriteriaSetCode = set.Code,
            ThresholdScope = request.ThresholdScope?.Trim(), OutstandingField = request.OutstandingField?.Trim(), Status = DossierStatus.InProgress,
            CreatedAt = now, CreatedBy = official.UserName, UpdatedAt = now,
        };
        foreach (var indicator in indicators)
        {
            dossier.Indicators.Add(new DossierIndicatorRow { DossierId = dossier.Id, Number = indicator.Number, IndicatorId = indicator.Id });
        }

        var departments = await catalog.IndicatorsByDepartmentAsync(provinceCode, set, Today, ct);
        var variables = new Dictionary<string, JsonNode?>
        {
            ["dossierId"] = dossier.Id.ToString(), ["communeCode"] = commune.Code, ["communeName"] = commune.Name, ["provinceCode"] = provinceCode,
            ["tier"] = tier.ToString().ToLowerInvariant(), ["year"] = year, ["criteriaSet"] = set.Code,
            ["departments"] = new JsonArray([.. departments.Keys.Order(StringComparer.Ordinal).Select(k => (JsonNode?)JsonValue.Create($"{provinceCode}-{k}"))]),
        };
        if (district is not null)
        {
            variables["districtCode"] = district.Code;
        }

        if (dossier.VillageName is not null)
        {
            variables["villageName"] = dossier.VillageName;
        }

        db.Dossiers.Add(dossier);
        AuditTrail.Record(db, official.UserName, "dossier.opened", Subject(dossier.Id),
            new { dossier.Code, commune = commune.Code, tier, year, openedOn, set = set.Code, process = processId });
        await db.SaveChangesAsync(ct);

        // The dossier exists before its workflow, so a failed start leaves nothing running without a dossier.
        try
        {
            var instance = await engine.StartAsync(processId, variables, code, actor: official.UserName, cancellationToken: ct);
            dossier.InstanceId = instance.Id;
            await db.SaveChangesAsync(ct);
            await InboxColumns.FillAsync(db, dossier, instance.Id, ct);
        }
        catch (Exception e) when (e is WorkflowException or InvalidOperationException)
        {
            db.Dossiers.Remove(dossier);
            AuditTrail.Record(db, official.UserName, "dossier.openFailed", Subject(dossier.Id), new { reason = e.Message });
            await db.SaveChangesAsync(CancellationToken.None);
            throw new DossierException(409, "The workflow could not start", $"The process {processId} could not start: {e.Message}");
        }

        return dossier;
    }

    // ----- the commune's self-assessment ---------------------------------------------------------

    public async Task<DossierIndicatorRow> SetIndicatorAsync(Official official, Guid id, string number, IndicatorValueRequest request, CancellationToken ct) =>
        (await SetIndicatorsAsync(official, id, [(number, request)], ct))[0];

    /// <summary>
    /// Several indicators in one save, as a whole form or a spreadsheet gives them: each is checked as
    /// <see cref="SetIndicatorAsync"/> checks one, and the first refusal changes nothing. Each change has its own audit entry.
    /// </summary>
    public async Task<IReadOnlyList<DossierIndicatorRow>> SetIndicatorsAsync(Official official, Guid id, IReadOnlyList<(string Number, IndicatorValueRequest Request)> values, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(values);
        var dossier = await LoadAsync(id, ct);
        var steps = await CommuneEditableAsync(official, dossier, ct);
        var rows = values.Select(v => EditableIndicator(dossier, steps.Supplement, v.Number)).ToList();
        var ids = rows.Select(r => r.IndicatorId).Distinct().ToList();
        var definitions = await db.Indicators.AsNoTracking().Include(i => i.Thresholds).Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, ct);
        var changes = new List<(DossierIndicatorRow Row, string? Value, bool? Met, bool Computed, IndicatorValueRequest Request)>();
        foreach (var ((number, request), row) in values.Zip(rows))
        {
            var indicator = definitions[row.IndicatorId];
            var value = request.Value switch
            {
                null => null,
                { ValueKind: JsonValueKind.Null } => null,
                { ValueKind: JsonValueKind.True } => "true",
                { ValueKind: JsonValueKind.False } => "false",
                { ValueKind: JsonValueKind.Number } n => n.GetDecimal().ToString(CultureInfo.InvariantCulture),
                { ValueKind: JsonValueKind.String } s => s.GetString()!.Trim(),
                _ => throw Bad($"The value of {number} must be a boolean, a number or a text."),
            };
            var assessment = CriteriaCatalog.Assess(indicator, dossier.ThresholdScope, value);
            if (value is not null && !assessment.Valid)
            {
                throw Bad(assessment.Error ?? $"The value of {number} is not valid.");
            }

            if (request.Note is { Length: > 4000 })
            {
                throw Bad($"The note of {number} is longer than 4,000 characters.");
            }

            changes.Add((row, value, value is null ? null : assessment.Met ?? request.Met, value is not null && assessment.Met is not null, request));
        }

        var now = clock.GetUtcNow();
        foreach (var (row, value, met, computed, request) in changes)
        {
            var before = new { row.Value, row.Met, row.Note };
            row.Value = value;
            row.Note = request.Note?.Trim() ?? row.Note;
            row.MetComputed = computed;
            row.StatedMet = request.Met;
            row.Met = met;
            row.UpdatedAt = now;
            row.UpdatedBy = official.UserName;
            AuditTrail.Record(db, official.UserName, "dossier.indicatorSet", Subject(id), new { indicator = row.Number, before, after = new { row.Value, row.Met, row.Note } });
        }

        dossier.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return [.. changes.Select(c => c.Row)];
    }

    public async Task<DossierIndicatorRow> AddEvidenceAsync(Official official, Guid id, string number, EvidenceRequest request, CancellationToken ct)
    {
        var dossier = await LoadAsync(id, ct);
        var row = await EditableIndicatorAsync(official, dossier, number, ct);
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 300)
        {
            throw Bad("An evidence reference needs a name of 1 to 300 characters (e.g. \"Quyết định 123/QĐ-UBND phê duyệt quy hoạch\").");
        }

        if (request.DocumentId is null && request.Uri is null)
        {
            throw Bad("An evidence reference needs documentId (an uploaded document) or uri.");
        }

        if (request.DocumentId is not null && (!Guid.TryParse(request.DocumentId, out var documentId)
                || !await db.EvidenceDocuments.AnyAsync(d => d.Id == documentId && d.DossierId == id && d.WithdrawnAt == null, ct)))
        {
            throw Bad($"'{request.DocumentId}' is not a document uploaded to dossier {dossier.Code}.");
        }

        if (request.Uri is not null && (!Uri.TryCreate(request.Uri, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")))
        {
            throw Bad($"'{request.Uri}' is not an http(s) address.");
        }

        var list = JsonNode.Parse(row.Evidence)!.AsArray();
        if (list.Count >= 100)
        {
            throw Bad($"Indicator {number} already has 100 evidence references.");
        }

        var reference = new JsonObject
        {
            ["name"] = request.Name.Trim(), ["documentId"] = request.DocumentId, ["uri"] = request.Uri,
            ["addedBy"] = official.UserName, ["addedAt"] = clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
        };
        list.Add(reference);
        row.Evidence = list.ToJsonString(Json);
        row.UpdatedAt = clock.GetUtcNow();
        row.UpdatedBy = official.UserName;
        AuditTrail.Record(db, official.UserName, "dossier.evidenceAdded", Subject(id), new { indicator = number, evidence = reference });
        await db.SaveChangesAsync(ct);
        return row;
    }

    public async Task<DossierRow> SetConditionsAsync(Official official, Guid id, ConditionsRequest request, CancellationToken ct)
    {
        var dossier = await LoadAsync(id, ct);
        await CommuneEditableAsync(official, dossier, ct);
        var problems = new List<string>();
        if (request.SatisfactionPercent is < 0 or > 100)
        {
            problems.Add("satisfactionPercent is a percentage from 0 to 100");
        }

        if (request.SurveyedHouseholds is < 0 || request.CommentsReceived is < 0)
        {
            problems.Add("counts cannot be negative");
        }

        if ((request.PostedFrom ?? dossier.PostedFrom) is { } from && (request.PostedTo ?? dossier.PostedTo) is { } to && to < from)
        {
            problems.Add("postedTo is before postedFrom");
        }

        if (request.CommentsSummary is { Length: > 4000 })
        {
            problems.Add("commentsSummary is longer than 4,000 characters");
        }

        if (request.SecurityOrder is { } security && !Enum.IsDefined(security))
        {
            problems.Add("securityOrder is NotComplicated, Complicated or Unknown");
        }

        if (problems.Count > 0)
        {
            throw new DossierException(400, "The conditions were refused", string.Join("; ", problems) + ".", problems);
        }

        var before = Conditions(dossier);
        dossier.SatisfactionPercent = request.SatisfactionPercent ?? dossier.SatisfactionPercent;
        dossier.SurveyedHouseholds = request.SurveyedHouseholds ?? dossier.SurveyedHouseholds;
        dossier.ConstructionDebtCleared = request.ConstructionDebtCleared ?? dossier.ConstructionDebtCleared;
        dossier.SecurityOrder = request.SecurityOrder ?? dossier.SecurityOrder;
        dossier.PostedFrom = request.PostedFrom ?? dossier.PostedFrom;
        dossier.PostedTo = request.PostedTo ?? dossier.PostedTo;
        dossier.CommentsReceived = request.CommentsReceived ?? dossier.CommentsReceived;
        dossier.CommentsSummary = request.CommentsSummary?.Trim() ?? dossier.CommentsSummary;
        dossier.UpdatedAt = clock.GetUtcNow();
        AuditTrail.Record(db, official.UserName, "dossier.conditionsSet", Subject(id), new { before, after = Conditions(dossier) });
        await db.SaveChangesAsync(ct);
        return dossier;
    }

    /// <summary>
    /// Completes the commune's open step: the self-assessment (every indicator assessed), the posting and
    /// survey (its results recorded), or the submission and any resubmission after a return (100 % of
    /// indicators met and every recognition condition holding). A refusal lists every missing item.
    /// </summary>
    public async Task CompleteCommuneStepAsync(Official official, Guid id, CommuneStep step, CancellationToken ct)
    {
        var dossier = await LoadAsync(id, ct);
        var editable = await CommuneEditableAsync(official, dossier, ct);
        var formKeys = step switch
        {
            CommuneStep.SelfAssessment => ["ntm:self-assessment", "ntm:village-self-assessment"],
            CommuneStep.PostingAndSurvey => ["ntm:posting-survey"],
            _ => new[] { "ntm:submit-dossier", "ntm:supplement" },
        };
        var task = editable.Tasks.FirstOrDefault(t => formKeys.Contains(t.FormKey))
                   ?? throw new DossierException(409, "Not at that step", $"The dossier is not waiting for the commune's {Describe(step)}; it waits for: {string.Join(", ", editable.Tasks.Select(t => t.Name))}.");
        var problems = step switch
        {
            CommuneStep.SelfAssessment => MissingAssessments(dossier),
            CommuneStep.PostingAndSurvey => MissingSurvey(dossier),
            _ => [.. MissingAssessments(dossier), .. UnmetIndicators(dossier).Select(n => $"indicator {n} is not met (không để nợ chỉ tiêu)"), .. UnmetConditions(dossier)],
        };
        if (problems.Count > 0)
        {
            throw new DossierException(422, $"The {Describe(step)} cannot be completed", $"{problems.Count} item(s) stop it: {string.Join("; ", problems.Take(10))}{(problems.Count > 10 ? "; …" : "")}.", problems);
        }

        var resubmission = task.FormKey == "ntm:supplement";
        if (resubmission)
        {
            dossier.Round++;
            foreach (var indicator in dossier.Indicators)
            {
                indicator.Reopened = false;
            }
        }

        AuditTrail.Record(db, official.UserName, "dossier." + (resubmission ? "resubmitted" : step.ToString()[..1].ToLowerInvariant() + step.ToString()[1..] + "Completed"), Subject(id),
            new { task = task.Id, round = dossier.Round });
        dossier.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await CompleteTaskAsync(dossier, task, new Dictionary<string, JsonNode?>
        {
            ["satisfactionPercent"] = dossier.SatisfactionPercent is { } s ? JsonValue.Create(s) : null,
            ["round"] = dossier.Round,
        }, official, ct);
    }

    // ----- reviews ----------------------------------------------------------------------------

    /// <summary>
    /// A reviewer's step (intake, verification, department review, district verification): findings per
    /// indicator and the decision. A department sees and judges only the indicators it owns. A return
    /// reopens the listed and disagreed indicators for the commune.
    /// </summary>
    public async Task ReviewAsync(Official official, Guid id, Guid taskId, ReviewRequest request, CancellationToken ct)
    {
        var dossier = await LoadAsync(id, ct);
        var task = (await OpenTasksAsync(dossier, ct)).FirstOrDefault(t => t.Id == taskId)
                   ?? throw new DossierException(404, "No such task", $"Task {taskId} is not an open task of dossier {dossier.Code}.");
        if (!MayAct(official, task))
        {
            throw Forbidden($"{official.UserName} is not among the officials of task '{task.Name}' ({string.Join(", ", task.CandidateGroups)}).");
        }

        var decisions = ReviewDecisions(task.FormKey)
                        ?? throw new DossierException(409, "Not a review", $"Task '{task.Name}' is not a review step; complete it through its own action.");
        var decision = request.Decision?.Trim().ToLowerInvariant();
        if (decision is null || !decisions.Contains(decision))
        {
            throw Bad($"decision is one of {string.Join(", ", decisions)} for '{task.Name}'.");
        }

        // The department's own indicators matter only to check findings: a review without any reads no ownership.
        var findings = request.Findings ?? [];
        var (departmentKind, own) = findings.Count > 0 ? await ReviewScopeAsync(dossier, task, ct) : (DepartmentKindOf(task), null);
        var problems = new List<string>();
        foreach (var finding in findings)
        {
            var number = finding.Indicator?.Trim();
            var kind = finding.Finding?.Trim().ToLowerInvariant();
            if (number is null || dossier.Indicators.All(i => i.Number != number))
            {
                problems.Add($"'{finding.Indicator}' is not an indicator of {dossier.CriteriaSetCode}");
            }
            else if (own is not null && !own.Contains(number))
            {
                problems.Add($"indicator {number} is not one the department {departmentKind} owns");
            }

            if (kind is not ("agree" or "disagree"))
            {
                problems.Add($"the finding on {number} is agree or disagree, not '{finding.Finding}'");
            }
            else if (kind == "disagree" && string.IsNullOrWhiteSpace(finding.Reason))
            {
                problems.Add($"disagreeing on {number} needs a reason");
            }
        }

        if (findings.GroupBy(f => f.Indicator).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            problems.Add($"indicator {twice.Key} has {twice.Count()} findings");
        }

        var returnItems = (request.ReturnItems ?? []).Select(n => n.Trim())
            .Concat(findings.Where(f => string.Equals(f.Finding, "disagree", StringComparison.OrdinalIgnoreCase)).Select(f => f.Indicator!.Trim()))
            .Distinct(StringComparer.Ordinal).ToList();
        problems.AddRange(returnItems.Where(n => dossier.Indicators.All(i => i.Number != n)).Select(n => $"'{n}' in returnItems is not an indicator of {dossier.CriteriaSetCode}"));
        if (decision is "return" or "reject" && returnItems.Count == 0 && string.IsNullOrWhiteSpace(request.Reason))
        {
            problems.Add($"a {decision} needs a reason or the list of items to fix");
        }

        if (decision == "forward" && findings.Any(f => string.Equals(f.Finding, "disagree", StringComparison.OrdinalIgnoreCase)))
        {
            problems.Add("a dossier with a disagreed indicator cannot be forwarded: return it for supplement");
        }

        if (problems.Count > 0)
        {
            throw new DossierException(400, "The review was refused", string.Join("; ", problems.Distinct().Take(10)) + ".", problems);
        }

        var now = clock.GetUtcNow();
        foreach (var finding in findings)
        {
            db.DossierFindings.Add(new DossierFindingRow
            {
                DossierId = id, Round = dossier.Round, Step = task.ElementId, TaskId = task.Id, DepartmentKind = departmentKind, IndicatorNumber = finding.Indicator!.Trim(),
                Finding = finding.Finding!.Trim().ToLowerInvariant(), Reason = finding.Reason?.Trim(), Actor = official.UserName, At = now,
            });
        }

        db.DossierFindings.Add(new DossierFindingRow
        {
            DossierId = id, Round = dossier.Round, Step = task.ElementId, TaskId = task.Id, DepartmentKind = departmentKind, IndicatorNumber = "*",
            Finding = decision, Reason = request.Reason?.Trim(), Actor = official.UserName, At = now,
        });
        if (decision == "return")
        {
            foreach (var indicator in dossier.Indicators.Where(i => returnItems.Contains(i.Number)))
            {
                indicator.Reopened = true;
            }
        }

        // The department's table kept its agreements as drafts until this review: they are in the findings now.
        db.ReviewDrafts.RemoveRange(await db.ReviewDrafts.Where(r => r.TaskId == task.Id).ToListAsync(ct));
        AuditTrail.Record(db, official.UserName, "dossier.reviewed", Subject(id),
            new { task = task.Id, step = task.ElementId, department = departmentKind, decision, request.Reason, returnItems, findings = findings.Count, round = dossier.Round });
        dossier.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await CompleteTaskAsync(dossier, task, new Dictionary<string, JsonNode?>
        {
            ["decision"] = decision, ["reason"] = request.Reason?.Trim(),
            ["returnItems"] = new JsonArray([.. returnItems.Select(n => (JsonNode?)JsonValue.Create(n))]),
        }, official, ct);
    }

    /// <summary>The decisions a review step offers, by its form key; null for a step that is not a review.</summary>
    public static IReadOnlyList<string>? ReviewDecisions(string? formKey) => formKey switch
    {
        "ntm:intake" or "ntm:district-verification" or "ntm:department-review" or "ntm:village-verification" => ["forward", "return"],
        "ntm:verification" => ["forward", "return", "reject"],
        _ => null,
    };

    /// <summary>
    /// Which indicators a review step judges: a department only those it owns (its kind is in the task's
    /// candidate group), any other step all of them (null).
    /// </summary>
    public async Task<(string? DepartmentKind, HashSet<string>? Indicators)> ReviewScopeAsync(DossierRow dossier, TaskView task, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dossier);
        ArgumentNullException.ThrowIfNull(task);
        var departmentKind = DepartmentKindOf(task);
        if (departmentKind is null)
        {
            return (null, null);
        }

        // Ownership needs only the set's indicators (their defaults), not its criteria and thresholds: one table read.
        var indicators = await db.Indicators.AsNoTracking().Where(i => i.Criterion.CriteriaSetId == dossier.CriteriaSetId).ToListAsync(ct);
        return (departmentKind, (await catalog.OwnersAsync(dossier.ProvinceCode, indicators, Today, ct))
            .Where(o => o.Owner.DepartmentKind == departmentKind).Select(o => o.Indicator.Number).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>The department kind a department review is for (its candidate group names it); null for any other step.</summary>
    private static string? DepartmentKindOf(TaskView task) => task.FormKey == "ntm:department-review"
        ? task.CandidateGroups.Select(CandidateGroups.Parse).FirstOrDefault(p => p?.Unit.Kind == UnitKey.Department)?.Unit.Code.Split('/')[1]
        : null;

    /// <summary>Whether the official may act on the task: its assignee, a candidate user, or in one of its groups.</summary>
    public static bool MayAct(Official official, TaskView task) =>
        (task.Assignee is not null && string.Equals(task.Assignee, official.UserName, StringComparison.OrdinalIgnoreCase))
        || task.CandidateUsers.Contains(official.UserName, StringComparer.OrdinalIgnoreCase)
        || task.CandidateGroups.Any(official.Groups.Contains);

    /// <summary>
    /// A village's recognition decision by the commune's chairman: its number and date close the dossier as recognised.
    /// A commune's decision is recorded on its council session with the signed scan (<see cref="RecordRecognitionAsync"/>).
    /// </summary>
    public async Task DecideAsync(Official official, Guid id, DecisionRequest request, CancellationToken ct)
    {
        var dossier = await LoadAsync(id, ct);
        var tasks = await OpenTasksAsync(dossier, ct);
        if (tasks.Any(t => t.FormKey == "ntm:recognition-decision"))
        {
            throw new DossierException(409, "Recorded on the council session",
                $"The decision on {dossier.Code} is recorded by the coordination office on the council session that passed it, with the signed scan.");
        }

        var task = tasks.FirstOrDefault(t => t.FormKey == "ntm:village-decision")
                   ?? throw new DossierException(409, "No decision is due", $"Dossier {dossier.Code} is not waiting for a recognition decision.");
        if (!MayAct(official, task))
        {
            throw Forbidden($"{official.UserName} cannot sign the decision of task '{task.Name}'.");
        }

        if (string.IsNullOrWhiteSpace(request.DecisionNumber) || request.DecisionNumber.Length > 60 || request.DecisionDate is null || request.DecisionDate > Today)
        {
            throw Bad("decisionNumber (e.g. \"1763/QĐ-UBND\") and a decisionDate not after today are required.");
        }

        await FinishDecisionAsync(official, dossier, task, request.DecisionNumber.Trim(), request.DecisionDate.Value, null, ct);
    }

    /// <summary>
    /// The signed decision the coordination office recorded on the council session (<c>CouncilService.RecordDecisionAsync</c>),
    /// for one dossier the session passed: the dossier's decision step completes and it finishes as recognised.
    /// </summary>
    public async Task RecordRecognitionAsync(Official official, Guid id, string number, DateOnly signedOn, string signer, CancellationToken ct)
    {
        var dossier = await LoadAsync(id, ct);
        var task = (await OpenTasksAsync(dossier, ct)).FirstOrDefault(t => t.FormKey == "ntm:recognition-decision")
                   ?? throw new DossierException(409, "No decision is due", $"Dossier {dossier.Code} is not waiting for its recognition decision.");
        if (!MayAct(official, task))
        {
            throw Forbidden($"{official.UserName} cannot record the decision of task '{task.Name}'.");
        }

        await FinishDecisionAsync(official, dossier, task, number, signedOn, signer, ct);
    }

    private async Task FinishDecisionAsync(Official official, DossierRow dossier, TaskView task, string number, DateOnly date, string? signer, CancellationToken ct)
    {
        dossier.DecisionNumber = number;
        dossier.DecisionDate = date;
        AuditTrail.Record(db, official.UserName, "dossier.decided", Subject(dossier.Id), new { dossier.DecisionNumber, dossier.DecisionDate, signer, task = task.Id });
        await db.SaveChangesAsync(ct);
        var variables = new Dictionary<string, JsonNode?>
        {
            ["decisionNumber"] = number, ["decisionDate"] = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        if (signer is not null)
        {
            variables["decisionSigner"] = signer;
        }

        await CompleteTaskAsync(dossier, task, variables, official, ct);
    }

    /// <summary>
    /// Opens the review of a recognised commune for revocation with the criteria it no longer meets; the
    /// workflow decides from the legal parameters whether the triggers of QĐ 18 hold (ntm-domain.md §4.5).
    /// Returns whether they do: when not, the review ends at once and the recognition stands.
    /// </summary>
    public async Task<(bool Triggered, Guid InstanceId)> OpenRevocationAsync(Official official, Guid id, RevocationRequest request, CancellationToken ct)
    {
        var dossier = await RefreshStatusAsync(await LoadAsync(id, ct), ct);
        if (!official.Holds(Roles.CoordinationOffice, new UnitKey(UnitKey.CoordinationOffice, dossier.ProvinceCode)) && !official.Administers(dossier.ProvinceCode))
        {
            throw Forbidden($"{official.UserName} is not of the coordination office of province {dossier.ProvinceCode}.");
        }

        if (dossier.Status != DossierStatus.Recognised)
        {
            throw new DossierException(409, "Not recognised", $"Dossier {dossier.Code} is {dossier.Status}: only a recognition can be revoked.");
        }

        if (dossier.RevocationInstanceId is { } running && (await engine.GetInstanceAsync(running, ct))?.Status == InstanceStatus.Running)
        {
            throw new DossierException(409, "Review under way", $"A revocation review of {dossier.Code} is already under way.");
        }

        var criteria = await db.Criteria.AsNoTracking().Where(c => c.CriteriaSetId == dossier.CriteriaSetId).Select(c => c.Number).ToListAsync(ct);
        var failing = (request.FailingCriteria ?? []).Select(c => c.Trim()).Distinct(StringComparer.Ordinal).ToList();
        var unknown = failing.Where(c => !int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || !criteria.Contains(n)).ToList();
        if (failing.Count == 0 || unknown.Count > 0)
        {
            throw Bad(failing.Count == 0 ? "failingCriteria lists the criteria (1, 2, …) the commune no longer meets."
                : $"{string.Join(", ", unknown)} {(unknown.Count == 1 ? "is not a criterion" : "are not criteria")} of {dossier.CriteriaSetCode}.");
        }

        var variables = new Dictionary<string, JsonNode?>
        {
            ["dossierId"] = dossier.Id.ToString(), ["communeCode"] = dossier.CommuneCode, ["communeName"] = dossier.CommuneName, ["provinceCode"] = dossier.ProvinceCode,
            ["tier"] = dossier.Tier.ToString().ToLowerInvariant(), ["decisionNumber"] = dossier.DecisionNumber, ["criteriaCount"] = criteria.Count,
            ["failingCriteria"] = new JsonArray([.. failing.Select(c => (JsonNode?)JsonValue.Create(c))]), ["reason"] = request.Reason?.Trim(),
        };
        var instance = await engine.StartAsync(RevocationProcess, variables, $"{dossier.Code}-THU-HOI-{clock.GetUtcNow():yyyyMMddHHmmss}", actor: official.UserName, cancellationToken: ct);
        dossier.RevocationInstanceId = instance.Id;
        var triggered = instance.Variables.GetValueOrDefault("triggered") is JsonValue t && t.GetValue<bool>();
        AuditTrail.Record(db, official.UserName, "dossier.revocationOpened", Subject(id), new { failing, criteria = criteria.Count, triggered, request.Reason, instance = instance.Id });
        await db.SaveChangesAsync(ct);
        await InboxColumns.FillAsync(db, dossier, instance.Id, ct);
        return (triggered, instance.Id);
    }

    // ----- the guard before the council ----------------------------------------------------------

    /// <summary>
    /// Whether 100 % of indicators are met now: assessed met by the commune and not disagreed by any reviewer
    /// in the current round. Read by the <c>ntm.dossier.check</c> step before the council.
    /// </summary>
    public async Task<(bool AllMet, IReadOnlyList<string> Unmet, string ProvinceCode)> CheckIndicatorsAsync(Guid id, CancellationToken ct)
    {
        var dossier = await LoadAsync(id, ct);
        var disagreed = await db.DossierFindings.AsNoTracking().Where(f => f.DossierId == id && f.Round == dossier.Round && f.Finding == "disagree")
            .Select(f => f.IndicatorNumber).Distinct().ToListAsync(ct);
        var unmet = UnmetIndicators(dossier).Union(disagreed, StringComparer.Ordinal).Order(IndicatorOrder.Instance).ToList();
        return (unmet.Count == 0, unmet, dossier.ProvinceCode);
    }

    // ----- reading -----------------------------------------------------------------------------

    public async Task<DossierRow> LoadAsync(Guid id, CancellationToken ct) =>
        await FindAsync(id, ct) ?? throw new DossierException(404, "Not found", $"There is no dossier {id}.");

    /// <summary>The dossier with its indicators in reading order, or null.</summary>
    private async Task<DossierRow?> FindAsync(Guid id, CancellationToken ct)
    {
        var dossier = await db.Dossiers.Include(d => d.Indicators).SingleOrDefaultAsync(d => d.Id == id, ct);
        dossier?.Indicators.Sort((a, b) => IndicatorOrder.Instance.Compare(a.Number, b.Number));
        return dossier;
    }

    /// <summary>
    /// A dossier for a signed-in official's page: status 404 when there is none, 403 when the official may not read
    /// it (before anything about it is shown), else 200 with the official and the dossier.
    /// </summary>
    public async Task<(Official? Official, DossierRow? Dossier, int Status)> ReadAsAsync(string userName, Guid id, CancellationToken ct)
    {
        var official = await organisation.FindOfficialAsync(userName, null, ct);
        if (await FindAsync(id, ct) is not { } dossier)
        {
            return (official, null, StatusCodes.Status404NotFound);
        }

        return official is not null && MayRead(official, dossier) ? (official, dossier, StatusCodes.Status200OK) : (official, null, StatusCodes.Status403Forbidden);
    }

    /// <summary>Who may read a dossier: its commune's officials, its district's, any official of its province, administrators.</summary>
    public static bool MayRead(Official official, DossierRow dossier) =>
        official.Holds(Roles.CommuneOfficer, new UnitKey(UnitKey.Commune, dossier.CommuneCode))
        || official.Holds(Roles.Chairman, new UnitKey(UnitKey.Commune, dossier.CommuneCode))
        || (dossier.DistrictCode is not null && official.Holds(Roles.Verifier, new UnitKey(UnitKey.District, dossier.DistrictCode)))
        || official.WorksInProvince(dossier.ProvinceCode)
        || official.Administers(dossier.ProvinceCode);

    public async Task<IReadOnlyList<TaskView>> OpenTasksAsync(DossierRow dossier, CancellationToken ct) =>
        dossier.InstanceId is { } instance ? await engine.ListTasksAsync(instance, ct) : [];

    /// <summary>
    /// What the commune changed since the dossier was last returned, per indicator: the value before the return
    /// and the value now (from the audit trail), so a reviewer sees what a resubmission changed.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, (string? Before, string? After)>> ChangesSinceReturnAsync(Guid id, CancellationToken ct)
    {
        var lastReturn = await db.DossierFindings.AsNoTracking().Where(f => f.DossierId == id && f.IndicatorNumber == "*" && f.Finding == "return")
            .OrderByDescending(f => f.Id).Select(f => (DateTimeOffset?)f.At).FirstOrDefaultAsync(ct);
        if (lastReturn is not { } since)
        {
            return new Dictionary<string, (string?, string?)>();
        }

        var subject = Subject(id);
        var edits = await db.AuditEntries.AsNoTracking().Where(a => a.Subject == subject && a.Action == "dossier.indicatorSet" && a.At >= since)
            .OrderBy(a => a.Sequence).Select(a => a.Detail).ToListAsync(ct);
        var changes = new Dictionary<string, (string? Before, string? After)>(StringComparer.Ordinal);
        foreach (var detail in edits.Select(d => JsonNode.Parse(d)))
        {
            if (detail?["indicator"]?.GetValue<string>() is not { } number)
            {
                continue;
            }

            var after = detail["after"]?["value"]?.GetValue<string>();
            changes[number] = (changes.TryGetValue(number, out var known) ? known.Before : detail["before"]?["value"]?.GetValue<string>(), after);
        }

        return changes.Where(c => c.Value.Before != c.Value.After).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
    }

    public async Task<List<DossierFindingRow>> FindingsAsync(Guid id, CancellationToken ct) =>
        await db.DossierFindings.AsNoTracking().Where(f => f.DossierId == id).OrderBy(f => f.Id).ToListAsync(ct);

    public async Task<List<AuditEntryRow>> AuditAsync(Guid id, CancellationToken ct)
    {
        var dossier = await db.Dossiers.AsNoTracking().SingleAsync(d => d.Id == id, ct);
        var subjects = new List<string> { Subject(id) };
        if (dossier.InstanceId is { } instance)
        {
            subjects.Add($"instance/{instance}");
        }

        if (dossier.RevocationInstanceId is { } review)
        {
            subjects.Add($"instance/{review}");
        }

        return await db.AuditEntries.AsNoTracking().Where(a => subjects.Contains(a.Subject)).OrderBy(a => a.Sequence).ToListAsync(ct);
    }

    /// <summary>Brings the stored status up to the workflows': recognised, not recognised or cancelled once it has ended; revoked once a revocation review ends so.</summary>
    /// <summary>A dossier's status when its process has ended: cancelled when terminated, else recognised when it reached the end event "recognised".</summary>
    public static DossierStatus StatusAtEnd(InstanceStatus status, IEnumerable<string?> completedElements) =>
        status == InstanceStatus.Terminated ? DossierStatus.Cancelled
        : completedElements.Contains("recognised", StringComparer.Ordinal) ? DossierStatus.Recognised : DossierStatus.NotRecognised;

    public async Task<DossierRow> RefreshStatusAsync(DossierRow dossier, CancellationToken ct)
    {
        if (dossier.Status == DossierStatus.Recognised && dossier.RevocationInstanceId is { } review
            && await engine.GetInstanceAsync(review, ct) is { Status: InstanceStatus.Completed }
            && await db.WorkflowHistory.AnyAsync(h => h.InstanceId == review && h.Event == "completed" && h.ElementId == "revoked", ct))
        {
            dossier.Status = DossierStatus.Revoked;
            AuditTrail.Record(db, "system", "dossier.revoked", Subject(dossier.Id), new { review });
            await db.SaveChangesAsync(ct);
            return dossier;
        }

        if (dossier.Status != DossierStatus.InProgress || dossier.InstanceId is not { } instanceId || await engine.GetInstanceAsync(instanceId, ct) is not { } instance
            || instance.Status == InstanceStatus.Running)
        {
            return dossier;
        }

        // The store closes the dossier in the step that ends its process; this copy may predate that step.
        if (db.Entry(dossier).State != EntityState.Detached)
        {
            await db.Entry(dossier).ReloadAsync(ct);
            if (dossier.Status != DossierStatus.InProgress)
            {
                return dossier;
            }
        }

        var history = await db.WorkflowHistory.AsNoTracking().Where(h => h.InstanceId == instanceId && h.Event == "completed").Select(h => h.ElementId).ToListAsync(ct);
        dossier.Status = StatusAtEnd(instance.Status, history);
        AuditTrail.Record(db, "system", "dossier.closed", Subject(dossier.Id), new { status = dossier.Status });
        await db.SaveChangesAsync(ct);
        return dossier;
    }

    // ----- rules ---------------------------------------------------------------------------------

    public static List<string> MissingAssessments(DossierRow dossier) =>
        [.. dossier.Indicators.Where(i => i.Value is null || i.Met is null).Select(i => i.Value is null ? $"indicator {i.Number} has no value" : $"indicator {i.Number}: say whether it is met")];

    public static IEnumerable<string> UnmetIndicators(DossierRow dossier) => dossier.Indicators.Where(i => i.Met != true).Select(i => i.Number);

    private static List<string> MissingSurvey(DossierRow dossier)
    {
        var missing = new List<string>();
        if (dossier.SatisfactionPercent is null)
        {
            missing.Add("the satisfaction survey result (satisfactionPercent)");
        }

        if (dossier.PostedFrom is null || dossier.PostedTo is null)
        {
            missing.Add("the public posting period (postedFrom, postedTo)");
        }

        if (dossier.CommentsReceived is null)
        {
            missing.Add("the number of comments received during the posting (commentsReceived)");
        }

        return missing;
    }

    /// <summary>The recognition conditions of QĐ 18 Art. 4.1 besides the criteria, with the province's thresholds.</summary>
    private List<string> UnmetConditions(DossierRow dossier)
    {
        var unmet = MissingSurvey(dossier);
        var variables = new Dictionary<string, JsonNode?> { ["provinceCode"] = dossier.ProvinceCode };
        var minimum = parameters.Find("satisfaction.minimumPercent", variables)?.Value?.GetValue<decimal>();
        if (dossier.SatisfactionPercent is { } rate && minimum is { } floor && rate < floor)
        {
            unmet.Add($"the satisfaction rate {rate} % is below the required {floor} %");
        }

        var postingDays = parameters.Find("publicPosting.days", variables)?.Value?.GetValue<int>();
        if (dossier.PostedFrom is { } from && dossier.PostedTo is { } to && postingDays is { } days && to.DayNumber - from.DayNumber + 1 < days)
        {
            unmet.Add($"the posting lasted {to.DayNumber - from.DayNumber + 1} days, fewer than the required {days}");
        }

        if (dossier.ConstructionDebtCleared != true)
        {
            unmet.Add("outstanding construction debt (nợ đọng xây dựng cơ bản) is not confirmed cleared");
        }

        if (dossier.SecurityOrder != SecurityOrderStatus.NotComplicated)
        {
            unmet.Add(dossier.SecurityOrder == SecurityOrderStatus.Complicated
                ? "the commune is classified as complicated on security and order"
                : "the security-and-order status is not recorded");
        }

        return unmet;
    }

    /// <summary>The commune's open steps when the official may edit the dossier now (its commune's officer, the dossier with the commune); else a refusal.</summary>
    public async Task<(IReadOnlyList<TaskView> Tasks, bool Supplement)> CommuneEditableAsync(Official official, DossierRow dossier, CancellationToken ct)
    {
        if (!official.Holds(Roles.CommuneOfficer, new UnitKey(UnitKey.Commune, dossier.CommuneCode)))
        {
            throw Forbidden($"{official.UserName} is not an NTM officer of {dossier.CommuneName}; only the commune fills its dossier.");
        }

        var tasks = (await OpenTasksAsync(dossier, ct)).Where(t => t.CandidateGroups.Contains($"commune-{dossier.CommuneCode}")).ToList();
        if (tasks.Count == 0)
        {
            throw new DossierException(409, "Not with the commune", $"Dossier {dossier.Code} is not with the commune now: it cannot be changed until it is returned for supplement.");
        }

        return (tasks, tasks.Any(t => t.FormKey == "ntm:supplement"));
    }

    /// <summary>
    /// The indicator row the official may change now: the commune's officer while the dossier is with the commune,
    /// and in a supplement only an indicator sent back; else a refusal saying why.
    /// </summary>
    public async Task<DossierIndicatorRow> EditableIndicatorAsync(Official official, DossierRow dossier, string number, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dossier);
        var steps = await CommuneEditableAsync(official, dossier, ct);
        return EditableIndicator(dossier, steps.Supplement, number);
    }

    private static DossierIndicatorRow EditableIndicator(DossierRow dossier, bool supplement, string number)
    {
        var row = dossier.Indicators.SingleOrDefault(i => i.Number == number)
                  ?? throw new DossierException(404, "Unknown indicator", $"The criteria set {dossier.CriteriaSetCode} has no indicator {number}.");
        if (supplement && dossier.Indicators.Any(i => i.Reopened) && !row.Reopened)
        {
            throw new DossierException(409, "Not reopened", $"Indicator {number} was not sent back for supplement; only {string.Join(", ", dossier.Indicators.Where(i => i.Reopened).Select(i => i.Number))} may change.");
        }

        return row;
    }

    private async Task CompleteTaskAsync(DossierRow dossier, TaskView task, Dictionary<string, JsonNode?> variables, Official official, CancellationToken ct)
    {
        try
        {
            await engine.CompleteTaskAsync(task.Id, variables, official.UserName, ct);
        }
        catch (WorkflowException e) when (e.Kind is WorkflowErrorKind.NotFound or WorkflowErrorKind.Conflict)
        {
            throw new DossierException(409, "The task was already completed", $"Task '{task.Name}' of {dossier.Code} was completed meanwhile: {e.Message}");
        }

        // The step that ended the process closed the dossier in its own save (EfWorkflowStore): read the status it left.
        if (db.Entry(dossier).State != EntityState.Detached)
        {
            await db.Entry(dossier).ReloadAsync(ct);
        }
    }

    /// <summary>
    /// The code of the province in force today that the commune belongs to, or went into: provinces merged on
    /// 2025-07-01, and today's coordination office and council take older dossiers over.
    /// </summary>
    private async Task<string> CurrentProvinceCodeAsync(AdministrativeUnit commune, AdministrativeUnit province, CancellationToken ct)
    {
        if (province.ValidTo is null || province.ValidTo >= Today)
        {
            return province.Code;
        }

        return await db.AdministrativeUnitSuccessions.AsNoTracking().Where(s => s.PredecessorId == commune.Id && s.Successor.Parent != null)
                   .Select(s => s.Successor.Parent!.Code).FirstOrDefaultAsync(ct)
               ?? throw new DossierException(422, "No province in force", $"{commune.Name} has no successor in the list of units in force today.");
    }

    private static object Conditions(DossierRow d) => new
    {
        d.SatisfactionPercent, d.SurveyedHouseholds, d.ConstructionDebtCleared, d.SecurityOrder, d.PostedFrom, d.PostedTo, d.CommentsReceived, d.CommentsSummary,
    };

    private static string Describe(CommuneStep step) => step switch
    {
        CommuneStep.SelfAssessment => "self-assessment",
        CommuneStep.PostingAndSurvey => "posting and satisfaction survey",
        _ => "submission",
    };

    public static string Subject(Guid id) => $"dossier/{id}";

    private static string Slug(string text) =>
        new([.. text.Normalize(System.Text.NormalizationForm.FormD).Where(c => char.IsAsciiLetterOrDigit(c)).Select(char.ToUpperInvariant).Take(20)]);

    private static DossierException Bad(string detail) => new(400, "Bad request", detail);

    private static DossierException Forbidden(string detail) => new(403, "Not yours", detail);
}

/// <summary>Orders indicator numbers as people read them: 2.1, 2.2, …, 17.2, 17.10.</summary>
public sealed class IndicatorOrder : IComparer<string>
{
    public static readonly IndicatorOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        var a = (x ?? "").Split('.');
        var b = (y ?? "").Split('.');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var p = i < a.Length && int.TryParse(a[i], out var m) ? m : -1;
            var q = i < b.Length && int.TryParse(b[i], out var n) ? n : -1;
            if (p != q)
            {
                return p.CompareTo(q);
            }
        }

        return string.CompareOrdinal(x, y);
    }
}

using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Web.Features.AdministrativeUnits;
using NtmWorkflow.Web.Features.Audit;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.LegalParameters;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Mergers;

/// <summary>A recognition a former commune held: its dossier, tier, year and decision.</summary>
public sealed record FormerRecognition(string DossierCode, RecognitionTier Tier, int Year, string? DecisionNumber, DateOnly? DecisionDate);

/// <summary>A former commune of a successor and the recognitions it held.</summary>
public sealed record FormerCommune(UnitName Commune, SuccessionKind Kind, IReadOnlyList<FormerRecognition> Recognitions)
{
    public RecognitionTier? Highest => Recognitions.Count == 0 ? null : Recognitions.Max(r => r.Tier);
}

public enum TitleOutcome
{
    /// <summary>Every former commune held a title: the province may recognise the merged commune at the lowest common tier by decision.</summary>
    AllRecognised,

    /// <summary>Some held a title, some did not: a new recognition procedure is needed.</summary>
    Mixed,

    /// <summary>The rule is switched off (merger.titleCarriesOver): the province decides without it.</summary>
    RuleOff,

    /// <summary>The province's decision carrying the title over is recorded.</summary>
    Recorded,
}

/// <summary>A successor commune with its former communes' titles and the rule's outcome.</summary>
public sealed record SuccessorTitle(UnitName Successor, IReadOnlyList<FormerCommune> Former, TitleOutcome Outcome, RecognitionTier? CommonTier, string? RecordedDossier);

/// <summary>The titles report of a province: whether the rule applies, its source and whether that is confirmed, and the successors concerned.</summary>
public sealed record TitleReport(string ProvinceCode, bool RuleApplies, bool RuleVerified, string RuleSource, IReadOnlyList<SuccessorTitle> Successors);

/// <summary>The province's decision recognising a merged commune at the title its former communes held.</summary>
public sealed record CarryOverRequest(string? SuccessorCode, string? DecisionNumber, DateOnly? DecisionDate, string? Signer);

/// <summary>
/// Danh hiệu của xã sau sắp xếp (ntm-domain.md §4.6): for each commune of a province formed from former communes at least one
/// of which was recognised, what each former commune held and what the rule of Dispatch 267/BNN-VPĐP (2024) makes of it —
/// all recognised → the province may recognise the merged commune at the lowest common tier by decision; mixed → a new
/// procedure. Whether that rule covers the 2025 merger is unconfirmed, so it is the legal parameter
/// <c>merger.titleCarriesOver</c> (national, or the province's own), shown with its source. Recording the decision creates a
/// recognised dossier of the successor marked as carried over by merger (no workflow ran for it), audited.
/// </summary>
public sealed class MergedTitles(AppDbContext db, LiveLegalParameters parameters, TimeProvider clock)
{
    public const string RuleParameter = "merger.titleCarriesOver";

    /// <summary>The process a carried-over recognition names: none ran, the province decided.</summary>
    public const string CarriedOverProcess = "merger-carry-over";

    private static readonly DateOnly DefaultEffective = new(2025, 7, 1);

    public async Task<TitleReport> ReportAsync(Official official, string fromEdition, string toEdition, string provinceCode, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(official);
        if (!UnitMergers.MayRemap(official, provinceCode))
        {
            throw new MergerException(403, $"Only a national administrator or an administrator of province {provinceCode} reads its merged communes' titles.");
        }

        var rule = parameters.Find(RuleParameter, new Dictionary<string, JsonNode?> { ["provinceCode"] = provinceCode });
        var applies = rule?.Value is JsonValue v && v.TryGetValue(out bool yes) && yes;
        var source = await db.LegalParameters.AsNoTracking().Where(p => p.Name == RuleParameter && (p.ProvinceCode == provinceCode || p.ProvinceCode == LegalParameterRow.National))
            .OrderByDescending(p => p.ProvinceCode).Select(p => p.Source).FirstOrDefaultAsync(ct) ?? "";

        var links = await db.AdministrativeUnitSuccessions.AsNoTracking()
            .Where(s => s.Predecessor.Edition == fromEdition && s.Successor.Edition == toEdition && s.Predecessor.Level == AdministrativeLevel.Commune
                && s.Successor.Level == AdministrativeLevel.Commune && s.Successor.Parent!.Code == provinceCode)
            .Select(s => new { s.EffectiveOn, OldCode = s.Predecessor.Code, OldName = s.Predecessor.Name, NewCode = s.Successor.Code, NewName = s.Successor.Name, s.Kind })
            .ToListAsync(ct);
        var effective = links.Count == 0 ? DefaultEffective : links.Min(l => l.EffectiveOn);
        var oldCodes = links.Select(l => l.OldCode).Distinct().ToList();
        var recognised = await db.Dossiers.AsNoTracking()
            .Where(d => d.Status == DossierStatus.Recognised && d.Subject == CriteriaSubject.Commune && d.OpenedOn < effective && oldCodes.Contains(d.CommuneCode))
            .Select(d => new { d.Id, d.Code, d.CommuneCode, d.Tier, d.Year, d.DecisionNumber, d.DecisionDate }).ToListAsync(ct);

        // A dossier moved to its successor by a merger is the successor's, not its former commune's.
        var subjects = recognised.Select(d => DossierService.Subject(d.Id)).ToList();
        var moved = (await db.AuditEntries.AsNoTracking().Where(a => a.Action == UnitMergers.DossierMoved && subjects.Contains(a.Subject)).Select(a => a.Subject).ToListAsync(ct)).ToHashSet();
        var held = recognised.Where(d => !moved.Contains(DossierService.Subject(d.Id))).ToLookup(d => d.CommuneCode);

        var newCodes = links.Select(l => l.NewCode).Distinct().ToList();
        var carried = (await db.Dossiers.AsNoTracking().Where(d => d.ProcessId == CarriedOverProcess && d.Status == DossierStatus.Recognised && newCodes.Contains(d.CommuneCode))
            .Select(d => new { d.CommuneCode, d.Code }).ToListAsync(ct)).ToLookup(d => d.CommuneCode);

        var successors = new List<SuccessorTitle>();
        foreach (var group in links.GroupBy(l => (l.NewCode, l.NewName)).OrderBy(g => g.Key.NewCode, StringComparer.Ordinal))
        {
            var former = group.OrderBy(l => l.OldCode, StringComparer.Ordinal).Select(l => new FormerCommune(new UnitName(l.OldCode, l.OldName), l.Kind,
                [.. held[l.OldCode].OrderBy(d => d.Year).Select(d => new FormerRecognition(d.Code, d.Tier, d.Year, d.DecisionNumber, d.DecisionDate))])).ToList();
            if (former.All(f => f.Recognitions.Count == 0))
            {
                continue;
            }

            var all = former.All(f => f.Highest is not null);
            var common = all ? former.Min(f => f.Highest) : null;
            var recorded = carried[group.Key.NewCode].Select(d => d.Code).FirstOrDefault();
            var outcome = recorded is not null ? TitleOutcome.Recorded : !applies ? TitleOutcome.RuleOff : all ? TitleOutcome.AllRecognised : TitleOutcome.Mixed;
            successors.Add(new SuccessorTitle(new UnitName(group.Key.NewCode, group.Key.NewName), former, outcome, common, recorded));
        }

        return new TitleReport(provinceCode, applies, rule?.Verified ?? false, source, successors);
    }

    /// <summary>Records the province's decision recognising the merged commune at its former communes' lowest common tier.</summary>
    public async Task<DossierRow> CarryOverAsync(Official official, string fromEdition, string toEdition, string provinceCode, CarryOverRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(official);
        ArgumentNullException.ThrowIfNull(request);
        var report = await ReportAsync(official, fromEdition, toEdition, provinceCode, ct);
        var successor = report.Successors.FirstOrDefault(s => s.Successor.Code == request.SuccessorCode?.Trim())
                        ?? throw new MergerException(400, $"'{request.SuccessorCode}' is not a commune of province {provinceCode} formed from a recognised former commune.");
        if (successor.Outcome != TitleOutcome.AllRecognised)
        {
            throw new MergerException(409, successor.Outcome switch
            {
                TitleOutcome.Recorded => $"{successor.Successor.Name} already carries its title over ({successor.RecordedDossier}).",
                TitleOutcome.RuleOff => $"The rule that carries titles over ({RuleParameter}) is switched off for province {provinceCode}.",
                _ => $"Not every former commune of {successor.Successor.Name} was recognised: a new recognition procedure is needed.",
            });
        }

        if (string.IsNullOrWhiteSpace(request.DecisionNumber) || request.DecisionNumber.Length > 100 || request.DecisionDate is null
            || string.IsNullOrWhiteSpace(request.Signer) || request.Signer.Length > 200)
        {
            throw new MergerException(400, "Give the decision's number (e.g. 1763/QĐ-UBND), its date and who signed it.");
        }

        var date = request.DecisionDate.Value;
        var tier = successor.CommonTier!.Value;
        var basis = successor.Former.SelectMany(f => f.Recognitions).Select(r => r.DossierCode).ToList();
        var set = await db.Dossiers.AsNoTracking().Where(d => basis.Contains(d.Code)).OrderByDescending(d => d.OpenedOn).Select(d => new { d.CriteriaSetId, d.CriteriaSetCode }).FirstAsync(ct);
        var now = clock.GetUtcNow();
        var dossier = new DossierRow
        {
            Id = Guid.NewGuid(), Code = $"{date.Year}-{tier.ToString().ToUpperInvariant()}-{successor.Successor.Code}-SAP-NHAP", Subject = CriteriaSubject.Commune, Tier = tier,
            Year = date.Year, ProvinceCode = provinceCode, CommuneCode = successor.Successor.Code, CommuneName = successor.Successor.Name, OpenedOn = date,
            ProcessId = CarriedOverProcess, CriteriaSetId = set.CriteriaSetId, CriteriaSetCode = set.CriteriaSetCode, Status = DossierStatus.Recognised,
            DecisionNumber = request.DecisionNumber.Trim(), DecisionDate = date, CreatedAt = now, CreatedBy = official.UserName, UpdatedAt = now,
        };
        db.Dossiers.Add(dossier);
        AuditTrail.Record(db, official.UserName, "dossier.titleCarriedOver", DossierService.Subject(dossier.Id), new
        {
            dossier.Code, commune = successor.Successor.Code, name = successor.Successor.Name, tier, decision = dossier.DecisionNumber, date, signer = request.Signer.Trim(),
            former = successor.Former.Select(f => new { f.Commune.Code, f.Commune.Name, tier = f.Highest, dossiers = f.Recognitions.Select(r => r.DossierCode) }),
            rule = RuleParameter, ruleVerified = report.RuleVerified,
        });
        await db.SaveChangesAsync(ct);
        return dossier;
    }
}

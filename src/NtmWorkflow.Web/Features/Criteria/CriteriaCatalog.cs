// PLACEHOLDER until the criteria branch merges: signatures only, replaced by the real service.
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Criteria;

public sealed record IndicatorAssessment(bool Valid, string? Error, bool? Met);

public sealed class CriteriaCatalog(AppDbContext db, TimeProvider clock)
{
    public Task<CriteriaSetRow?> SetInForceAsync(CriteriaSubject subject, RecognitionTier tier, DateOnly openedOn, CancellationToken ct) => throw new NotImplementedException($"{db}{clock}{subject}{tier}{openedOn}{ct}");

    public Task<string> OwnerDepartmentKindAsync(string provinceCode, IndicatorRow indicator, DateOnly on, CancellationToken ct) => throw new NotImplementedException($"{provinceCode}{indicator}{on}{ct}");

    public Task<IReadOnlyDictionary<string, IReadOnlyList<IndicatorRow>>> IndicatorsByDepartmentAsync(string provinceCode, CriteriaSetRow set, DateOnly on, CancellationToken ct) => throw new NotImplementedException($"{provinceCode}{set}{on}{ct}");

    public static IndicatorAssessment Assess(IndicatorRow indicator, string? scope, string? value) => throw new NotImplementedException($"{indicator}{scope}{value}");
}

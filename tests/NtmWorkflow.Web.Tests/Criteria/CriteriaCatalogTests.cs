using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Persistence;
using NtmWorkflow.Web.Tests.Persistence;

namespace NtmWorkflow.Web.Tests.Criteria;

/// <summary>The seeded catalogue against the shared domain notes, set selection, ownership and the administrators' changes, on each provider.</summary>
public abstract class CriteriaCatalogTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>, IAsyncLifetime
    where TFixture : DatabaseFixture
{
    private const string Set2021 = "xa-ntm-2021-2025";
    private const string Set2026 = "xa-ntm-2026-2030";

    // ntm-domain.md §7.5, translated; the order is the decision's.
    private static readonly string[] Names2026 =
    [
        "Quy hoạch", "Hạ tầng kinh tế - xã hội", "Phát triển kinh tế nông thôn", "Đào tạo nguồn nhân lực nông thôn", "Văn hóa, giáo dục, y tế",
        "Giảm nghèo và an sinh xã hội", "Khoa học, công nghệ và chuyển đổi số", "Môi trường và cảnh quan nông thôn",
        "Hệ thống chính trị và hành chính công", "Tiếp cận pháp luật, an ninh và quốc phòng",
    ];

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero));

    public async Task InitializeAsync()
    {
        await using var db = fixture.CreateContext();
        await new CriteriaCatalog(db, _clock).SeedMissingAsync(CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private CriteriaCatalog Catalog(AppDbContext db) => new(db, _clock);

    [Fact]
    public async Task The_seeded_2021_2025_set_matches_the_working_list()
    {
        await using var db = fixture.CreateContext();
        var set = await Catalog(db).GetSetAsync(Set2021, CancellationToken.None);
        Assert.NotNull(set);
        Assert.Equal((CriteriaSubject.Commune, RecognitionTier.Ntm, new DateOnly(2022, 3, 8), new DateOnly(2026, 2, 14), "region"),
            (set.Subject, set.Tier, set.ValidFrom, set.ValidTo, set.ThresholdBasis));
        Assert.Equal(Enumerable.Range(1, 19), set.Criteria.Select(c => c.Number));

        // Names marked ✔ in ntm-domain.md §7.1.
        var names = set.Criteria.ToDictionary(c => c.Number, c => c.Name);
        Assert.Equal("Thu nhập", names[10]);
        Assert.Equal("Nghèo đa chiều", names[11]);
        Assert.Equal("Lao động", names[12]);
        Assert.Equal("Môi trường và an toàn thực phẩm", names[17]);
        Assert.Equal("Hệ thống chính trị và tiếp cận pháp luật", names[18]);
        Assert.Equal("Quốc phòng và An ninh", names[19]);

        var indicators = set.Criteria.SelectMany(c => c.Indicators).ToDictionary(i => i.Number);
        Assert.Equal(58, indicators.Count); // the rows of the working list
        Assert.Contains("18.5", indicators.Keys);
        Assert.Contains("19.2", indicators.Keys);
        Assert.Equal(["11", "15.3"], indicators.Values.Where(i => i.Direction == ThresholdDirection.AtMost).Select(i => i.Number).Order());
        Assert.Equal(MeasurementKind.Amount, indicators["10"].Kind);
        Assert.Equal("triệu đồng/người/năm", indicators["10"].Unit);
        Assert.Equal(MeasurementKind.Rating, indicators["18.2"].Kind);
        Assert.Equal(MeasurementKind.Points, indicators["18.4"].Kind);
        Assert.Equal("lao-dong-tbxh", indicators["18.5"].DefaultDepartmentKind);
        Assert.Equal("cong-an-tinh", indicators["19.2"].DefaultDepartmentKind);
        Assert.Equal("y-te", indicators["17.9"].DefaultDepartmentKind);
        Assert.All(indicators.Values, i => Assert.Empty(i.Thresholds));

        // Criterion 17 is ordered 17.1 … 17.11, not as text.
        Assert.Equal(Enumerable.Range(1, 11).Select(n => $"17.{n}"), set.Criteria.Single(c => c.Number == 17).Indicators.Select(i => i.Number));

        var kinds = await db.DepartmentKinds.Select(k => k.Code).ToListAsync();
        Assert.All(indicators.Values, i => Assert.Contains(i.DefaultDepartmentKind, kinds));
    }

    [Fact]
    public async Task The_2026_2030_set_has_the_ten_criteria_and_no_indicators_and_nothing_seeded_is_verified()
    {
        await using var db = fixture.CreateContext();
        var set = await Catalog(db).GetSetAsync(Set2026, CancellationToken.None);
        Assert.NotNull(set);
        Assert.Equal((new DateOnly(2026, 2, 15), (DateOnly?)null, "commune-group"), (set.ValidFrom, set.ValidTo, set.ThresholdBasis));
        Assert.Equal(Names2026, set.Criteria.Select(c => c.Name));
        Assert.Equal(Enumerable.Range(1, 10), set.Criteria.Select(c => c.Number));
        Assert.All(set.Criteria, c => Assert.Empty(c.Indicators));
        Assert.Contains("47", set.Notes, StringComparison.Ordinal);

        var codes = await db.CriteriaSets.Select(s => s.Code).ToListAsync();
        Assert.Superset(new HashSet<string> { Set2021, "xa-ntm-nang-cao-2021-2025", "xa-ntm-kieu-mau-2021-2025", Set2026, "thon-ntm" }, codes.ToHashSet());
        var seeded = await db.CriteriaSets.Where(s => s.Code == Set2021 || s.Code == Set2026 || s.Code == "thon-ntm" || s.Code.StartsWith("xa-ntm-")).ToListAsync();
        Assert.All(seeded, s => Assert.False(s.Verified, s.Code));
        var ids = seeded.Select(s => s.Id).ToList();
        Assert.False(await db.Criteria.AnyAsync(c => c.Verified && ids.Contains(c.CriteriaSetId)));
        Assert.False(await db.Indicators.AnyAsync(i => i.Verified && ids.Contains(i.Criterion.CriteriaSetId)));
        Assert.False(await db.DepartmentKinds.AnyAsync(k => k.Verified));
    }

    [Fact]
    public async Task Seeding_again_adds_only_what_is_missing_and_keeps_edits()
    {
        await using (var db = fixture.CreateContext())
        {
            var catalog = Catalog(db);
            await catalog.UpdateCriterionAsync(Set2021, 13, new CriterionChange(null, "Tổ chức sản xuất (tên đã sửa)", null), "admin", CancellationToken.None);
            await catalog.UpdateIndicatorAsync(Set2021, "17.11", new IndicatorChange(null, "Chất thải nhựa (tên đã sửa)", null, null, null, null, null, null), "admin", CancellationToken.None);
            db.Indicators.Remove(await db.Indicators.SingleAsync(i => i.Number == "17.10" && i.Criterion.Number == 17 && db.CriteriaSets.Any(s => s.Code == Set2021 && s.Id == i.Criterion.CriteriaSetId)));
            await db.SaveChangesAsync();
        }

        var counts = await CountsAsync();
        await using (var db = fixture.CreateContext())
        {
            await Catalog(db).SeedMissingAsync(CancellationToken.None);
        }

        await using (var db = fixture.CreateContext())
        {
            await Catalog(db).SeedMissingAsync(CancellationToken.None);
            var set = (await Catalog(db).GetSetAsync(Set2021, CancellationToken.None))!;
            Assert.Equal("Tổ chức sản xuất (tên đã sửa)", set.Criteria.Single(c => c.Number == 13).Name);
            var indicators = set.Criteria.SelectMany(c => c.Indicators).ToList();
            Assert.Equal("Chất thải nhựa (tên đã sửa)", indicators.Single(i => i.Number == "17.11").Name);
            Assert.Single(indicators, i => i.Number == "17.10");
            Assert.Equal(58, indicators.Count);
        }

        var after = await CountsAsync();
        Assert.Equal(counts with { Indicators = counts.Indicators + 1 }, after);
    }

    private async Task<Counts> CountsAsync()
    {
        await using var db = fixture.CreateContext();
        return new Counts(await db.CriteriaSets.CountAsync(), await db.Criteria.CountAsync(), await db.Indicators.CountAsync(), await db.DepartmentKinds.CountAsync());
    }

    private sealed record Counts(int Sets, int Criteria, int Indicators, int Kinds);

    [Theory]
    [InlineData("2022-03-07", null)]
    [InlineData("2022-03-08", Set2021)]
    [InlineData("2025-09-01", Set2021)]
    [InlineData("2026-02-14", Set2021)]
    [InlineData("2026-02-15", Set2026)]
    [InlineData("2030-12-31", Set2026)]
    public async Task A_dossier_takes_the_set_in_force_on_its_opening_day(string opened, string? expected)
    {
        await using var db = fixture.CreateContext();
        var set = await Catalog(db).SetInForceAsync(CriteriaSubject.Commune, RecognitionTier.Ntm, DateOnly.Parse(opened, System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None);
        Assert.Equal(expected, set?.Code);
        if (set is not null)
        {
            Assert.Equal(set.Criteria.Select(c => c.Number).Order(), set.Criteria.Select(c => c.Number));
            Assert.All(set.Criteria, c => Assert.Equal(c.Indicators.Select(i => i.Position).Order(), c.Indicators.Select(i => i.Position)));
        }
    }

    [Fact]
    public async Task The_other_tiers_and_villages_have_their_own_sets()
    {
        await using var db = fixture.CreateContext();
        var catalog = Catalog(db);
        var day = new DateOnly(2024, 5, 1);
        Assert.Equal("xa-ntm-nang-cao-2021-2025", (await catalog.SetInForceAsync(CriteriaSubject.Commune, RecognitionTier.Advanced, day, CancellationToken.None))?.Code);
        Assert.Equal("xa-ntm-kieu-mau-2021-2025", (await catalog.SetInForceAsync(CriteriaSubject.Commune, RecognitionTier.Model, day, CancellationToken.None))?.Code);
        Assert.Equal("thon-ntm", (await catalog.SetInForceAsync(CriteriaSubject.Village, RecognitionTier.Ntm, day, CancellationToken.None))?.Code);
        Assert.Null(await catalog.SetInForceAsync(CriteriaSubject.Commune, RecognitionTier.Advanced, new DateOnly(2026, 3, 1), CancellationToken.None));
    }

    [Fact]
    public async Task A_default_owner_is_followed_through_the_2025_merger()
    {
        await using var db = fixture.CreateContext();
        var catalog = Catalog(db);
        var set = (await catalog.GetSetAsync(Set2021, CancellationToken.None))!;
        var poverty = set.Criteria.SelectMany(c => c.Indicators).Single(i => i.Number == "11");
        var roads = set.Criteria.SelectMany(c => c.Indicators).Single(i => i.Number == "2.1");
        Assert.Equal("lao-dong-tbxh", await catalog.OwnerDepartmentKindAsync("79", poverty, new DateOnly(2025, 6, 30), CancellationToken.None));
        Assert.Equal("noi-vu", await catalog.OwnerDepartmentKindAsync("79", poverty, new DateOnly(2025, 7, 1), CancellationToken.None));
        Assert.Equal("xay-dung", await catalog.OwnerDepartmentKindAsync("79", roads, new DateOnly(2025, 9, 1), CancellationToken.None));

        var byDepartment = await catalog.IndicatorsByDepartmentAsync("79", set, new DateOnly(2025, 9, 1), CancellationToken.None);
        Assert.DoesNotContain("lao-dong-tbxh", byDepartment.Keys);
        Assert.DoesNotContain("giao-thong-van-tai", byDepartment.Keys);
        Assert.Equal(["2.1", "2.2", "2.3", "2.4"], byDepartment["xay-dung"].Select(i => i.Number).Where(n => n.StartsWith("2.", StringComparison.Ordinal)));
        Assert.Contains(byDepartment["nong-nghiep-moi-truong"], i => i.Number == "17.2");
        Assert.Equal(58, byDepartment.Values.Sum(v => v.Count));

        var before = await catalog.IndicatorsByDepartmentAsync("79", set, new DateOnly(2024, 1, 1), CancellationToken.None);
        Assert.Equal(["11", "12.1", "12.2", "12.3", "14.3", "18.5"], before["lao-dong-tbxh"].Select(i => i.Number).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_province_assignment_has_a_history_and_follows_mergers()
    {
        const string Province = "01";
        await using (var db = fixture.CreateContext())
        {
            var catalog = Catalog(db);
            await catalog.SetOwnershipAsync(Province, Set2021, "12.2", new OwnershipChange("giao-duc-dao-tao", new DateOnly(2023, 1, 1), "QĐ 1/QĐ-UBND"), "admin", CancellationToken.None);
            await catalog.SetOwnershipAsync(Province, Set2021, "12.2", new OwnershipChange("lao-dong-tbxh", new DateOnly(2024, 6, 1), "QĐ 2/QĐ-UBND"), "admin", CancellationToken.None);
            var refused = await Assert.ThrowsAsync<CriteriaException>(() =>
                catalog.SetOwnershipAsync(Province, Set2021, "12.2", new OwnershipChange("lao-dong-tbxh", new DateOnly(2025, 8, 1), "QĐ 3"), "admin", CancellationToken.None));
            Assert.Contains("noi-vu", refused.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<CriteriaException>(() =>
                catalog.SetOwnershipAsync(Province, Set2021, "12.2", new OwnershipChange("khong-co", new DateOnly(2024, 1, 1), "QĐ 3"), "admin", CancellationToken.None));
        }

        await using (var db = fixture.CreateContext())
        {
            var history = await db.IndicatorOwnerships.Where(o => o.ProvinceCode == Province).OrderBy(o => o.ValidFrom).ToListAsync();
            Assert.Equal([(new DateOnly(2023, 1, 1), (DateOnly?)new DateOnly(2024, 5, 31)), (new DateOnly(2024, 6, 1), null)], history.Select(o => (o.ValidFrom, o.ValidTo)));
            Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.Action == "criteria.ownership.set" && a.Subject.StartsWith("province/01/")));

            var catalog = Catalog(db);
            var indicator = (await catalog.GetSetAsync(Set2021, CancellationToken.None))!.Criteria.SelectMany(c => c.Indicators).Single(i => i.Number == "12.2");
            var owners = new Dictionary<string, IndicatorOwner>();
            foreach (var day in new[] { "2022-12-31", "2023-01-01", "2024-05-31", "2024-06-01", "2025-07-01" })
            {
                owners[day] = (await catalog.OwnersAsync(Province, [indicator], DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None))[0].Owner;
            }

            Assert.Equal(new IndicatorOwner("lao-dong-tbxh", "lao-dong-tbxh", false, null), owners["2022-12-31"]);
            Assert.Equal(new IndicatorOwner("giao-duc-dao-tao", "giao-duc-dao-tao", true, new DateOnly(2023, 1, 1)), owners["2023-01-01"]);
            Assert.Equal("giao-duc-dao-tao", owners["2024-05-31"].DepartmentKind);
            Assert.Equal(new IndicatorOwner("lao-dong-tbxh", "lao-dong-tbxh", true, new DateOnly(2024, 6, 1)), owners["2024-06-01"]);
            Assert.Equal(new IndicatorOwner("noi-vu", "lao-dong-tbxh", true, new DateOnly(2024, 6, 1)), owners["2025-07-01"]);

            // Another province keeps the default.
            Assert.Equal("lao-dong-tbxh", await catalog.OwnerDepartmentKindAsync("79", indicator, new DateOnly(2023, 6, 1), CancellationToken.None));
        }
    }

    [Fact]
    public async Task Administrators_changes_are_validated_and_audited()
    {
        var code = "test-" + Guid.NewGuid().ToString("N")[..8];
        await using (var db = fixture.CreateContext())
        {
            db.CriteriaSets.Add(new CriteriaSetRow
            {
                Code = code, Name = "Bộ thử", Decision = "Thử", Subject = CriteriaSubject.Commune, Tier = RecognitionTier.Advanced,
                ValidFrom = new DateOnly(2090, 1, 1), ThresholdBasis = "region",
            });
            await db.SaveChangesAsync();
        }

        await using (var db = fixture.CreateContext())
        {
            var catalog = Catalog(db);
            var auditBefore = await db.AuditEntries.CountAsync();
            await catalog.AddCriterionAsync(code, new CriterionChange(1, "Thu nhập", null), "mai", CancellationToken.None);
            var conflict = await Assert.ThrowsAsync<CriteriaException>(() => catalog.AddCriterionAsync(code, new CriterionChange(1, "Trùng", null), "mai", CancellationToken.None));
            Assert.Equal(CriteriaProblem.Conflict, conflict.Problem);

            var income = await catalog.AddIndicatorAsync(code, new IndicatorChange("1.1", "Thu nhập bình quân", MeasurementKind.Amount, null, "triệu đồng/người/năm", "nong-nghiep-moi-truong", null, null), "mai", CancellationToken.None);
            Assert.Equal((1, ThresholdDirection.AtLeast, false), (income.Position, income.Direction, income.Verified));

            Assert.Equal(CriteriaProblem.Conflict, (await Assert.ThrowsAsync<CriteriaException>(() =>
                catalog.AddIndicatorAsync(code, new IndicatorChange("1.1", "Trùng", MeasurementKind.YesNo, null, null, "y-te", null, null), "mai", CancellationToken.None))).Problem);
            foreach (var bad in new[]
            {
                new IndicatorChange("2.1", "Không có tiêu chí 2", MeasurementKind.YesNo, null, null, "y-te", null, null),
                new IndicatorChange("1.x", "Số sai", MeasurementKind.YesNo, null, null, "y-te", null, null),
                new IndicatorChange("1.2", "Thiếu đơn vị", MeasurementKind.Amount, null, null, "y-te", null, null),
                new IndicatorChange("1.2", "Sở không có", MeasurementKind.YesNo, null, null, "so-khong-co", null, null),
                new IndicatorChange("1.2", "Có/không không thể ở mức tối đa", MeasurementKind.YesNo, ThresholdDirection.AtMost, null, "y-te", null, null),
                new IndicatorChange("1.2", "", MeasurementKind.YesNo, null, null, "y-te", null, null),
                new IndicatorChange("1.2", "Thiếu loại", null, null, null, "y-te", null, null),
            })
            {
                Assert.Equal(CriteriaProblem.Invalid, (await Assert.ThrowsAsync<CriteriaException>(() => catalog.AddIndicatorAsync(code, bad, "mai", CancellationToken.None))).Problem);
            }

            await catalog.SetThresholdAsync(code, "1.1", "dong-bang-song-hong", new ThresholdChange(50, null, null, "Phụ lục thử", null), "mai", CancellationToken.None);
            await Assert.ThrowsAsync<CriteriaException>(() => catalog.SetThresholdAsync(code, "1.1", "nhom-1", new ThresholdChange(50, null, null, "Phụ lục", null), "mai", CancellationToken.None));
            await Assert.ThrowsAsync<CriteriaException>(() => catalog.SetThresholdAsync(code, "1.1", "*", new ThresholdChange(-1, null, null, "Phụ lục", null), "mai", CancellationToken.None));
            await Assert.ThrowsAsync<CriteriaException>(() => catalog.SetThresholdAsync(code, "1.1", "*", new ThresholdChange(1, null, null, " ", null), "mai", CancellationToken.None));

            var rating = await catalog.AddIndicatorAsync(code, new IndicatorChange("1.2", "Xếp loại", MeasurementKind.Rating, null, null, "noi-vu", null, null), "mai", CancellationToken.None);
            await Assert.ThrowsAsync<CriteriaException>(() => catalog.SetThresholdAsync(code, "1.2", "*", new ThresholdChange(null, "Hoàn thành,Tốt", "Xuất sắc", "Phụ lục", null), "mai", CancellationToken.None));
            await catalog.SetThresholdAsync(code, "1.2", "*", new ThresholdChange(null, "Không hoàn thành, Hoàn thành, Hoàn thành tốt, Hoàn thành xuất sắc", "Hoàn thành tốt", "Phụ lục", true), "mai", CancellationToken.None);
            await Assert.ThrowsAsync<CriteriaException>(() => catalog.UpdateIndicatorAsync(code, "1.2", new IndicatorChange(null, null, MeasurementKind.YesNo, null, null, null, null, null), "mai", CancellationToken.None));
            await catalog.UpdateIndicatorAsync(code, "1.1", new IndicatorChange(null, null, null, null, null, null, null, true), "mai", CancellationToken.None);
            Assert.True(await catalog.RemoveThresholdAsync(code, "1.1", "dong-bang-song-hong", "mai", CancellationToken.None));
            Assert.False(await catalog.RemoveThresholdAsync(code, "1.1", "dong-bang-song-hong", "mai", CancellationToken.None));
            await catalog.SetVerifiedAsync(code, true, "mai", CancellationToken.None);
            await Assert.ThrowsAsync<CriteriaException>(() => catalog.SetVerifiedAsync(code, true, " ", CancellationToken.None));

            // One entry per stored change: criterion, two indicators, two thresholds, one edit, one removal, the set.
            Assert.Equal(auditBefore + 8, await db.AuditEntries.CountAsync());
            Assert.Null(await NtmWorkflow.Web.Features.Audit.AuditTrail.VerifyAsync(db, CancellationToken.None));
            Assert.NotNull(rating);
        }

        await using (var db = fixture.CreateContext())
        {
            var set = (await Catalog(db).GetSetAsync(code, CancellationToken.None))!;
            Assert.True(set.Verified);
            var stored = set.Criteria.Single().Indicators;
            Assert.Equal(["1.1", "1.2"], stored.Select(i => i.Number));
            Assert.True(stored[0].Verified);
            Assert.Empty(stored[0].Thresholds);
            var scale = Assert.Single(stored[1].Thresholds);
            Assert.Equal(("Không hoàn thành,Hoàn thành,Hoàn thành tốt,Hoàn thành xuất sắc", "Hoàn thành tốt", true), (scale.RatingScale, scale.MinimumRating, scale.Verified));
        }
    }
}

public sealed class CriteriaCatalogTests_Sqlite(SqliteDatabaseFixture fixture) : CriteriaCatalogTests<SqliteDatabaseFixture>(fixture);

[Trait("Db", "Postgres")]
public sealed class CriteriaCatalogTests_Postgres(PostgresDatabaseFixture fixture) : CriteriaCatalogTests<PostgresDatabaseFixture>(fixture);

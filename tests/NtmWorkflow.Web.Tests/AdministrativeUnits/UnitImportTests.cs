using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using NtmWorkflow.Web.Features.AdministrativeUnits;
using NtmWorkflow.Web.Persistence;
using NtmWorkflow.Web.Tests.Persistence;

namespace NtmWorkflow.Web.Tests.AdministrativeUnits;

/// <summary>The bundled editions as imported on first start, and the importer's rules, on each provider.</summary>
public abstract class UnitImportTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : DatabaseFixture
{
    [Fact]
    public async Task The_March_2025_edition_has_63_provinces_696_districts_and_10047_communes()
    {
        await using var db = fixture.CreateContext();
        Assert.Equal(63, await Count(db, "2025-03", AdministrativeLevel.Province));
        Assert.Equal(696, await Count(db, "2025-03", AdministrativeLevel.District));
        Assert.Equal(10047, await Count(db, "2025-03", AdministrativeLevel.Commune));
        Assert.Equal(0, await db.AdministrativeUnits.CountAsync(u => u.Edition == "2025-03" && u.Level == AdministrativeLevel.Commune && u.Parent!.Level != AdministrativeLevel.District));
    }

    [Fact]
    public async Task The_July_2025_edition_has_34_provinces_3321_communes_and_no_districts()
    {
        await using var db = fixture.CreateContext();
        Assert.Equal(34, await Count(db, "2025-07", AdministrativeLevel.Province));
        Assert.Equal(0, await Count(db, "2025-07", AdministrativeLevel.District));
        Assert.Equal(3321, await Count(db, "2025-07", AdministrativeLevel.Commune));
        Assert.Equal(13, await db.AdministrativeUnits.CountAsync(u => u.Edition == "2025-07" && u.Kind == "Đặc khu"));
    }

    [Fact]
    public async Task A_reused_code_resolves_to_the_unit_in_force_on_the_day()
    {
        await using var db = fixture.CreateContext();
        var before = await InForceOn(db, "00004", new DateOnly(2025, 5, 1));
        var after = await InForceOn(db, "00004", new DateOnly(2025, 8, 1));
        Assert.Equal("Phường Trúc Bạch", before.Name);
        Assert.Equal("Quận Ba Đình", before.Parent!.Name);
        Assert.Equal("Phường Ba Đình", after.Name);
        Assert.Equal("Thành phố Hà Nội", after.Parent!.Name);

        var successor = await db.AdministrativeUnitSuccessions.Where(s => s.PredecessorId == before.Id).Select(s => s.Successor).SingleAsync();
        Assert.Equal(after.Id, successor.Id);
    }

    [Fact]
    public async Task Every_old_commune_has_a_successor_and_split_communes_have_several()
    {
        await using var db = fixture.CreateContext();
        var oldCommunes = db.AdministrativeUnits.Where(u => u.Edition == "2025-03" && u.Level == AdministrativeLevel.Commune);
        Assert.Equal(0, await oldCommunes.CountAsync(u => !u.Successors.Any()));
        Assert.Equal(443, await oldCommunes.CountAsync(u => u.Successors.Count > 1));
        Assert.All(await oldCommunes.Where(u => u.Successors.Count > 1).SelectMany(u => u.Successors).Select(s => s.Kind).Distinct().ToListAsync(),
            kind => Assert.Equal(SuccessionKind.Partial, kind));

        // The island districts without communes became special zones (đặc khu).
        var conDao = await db.AdministrativeUnits.Include(u => u.Successors).ThenInclude(s => s.Successor)
            .SingleAsync(u => u.Edition == "2025-03" && u.Level == AdministrativeLevel.District && u.Code == "755");
        Assert.Equal("Đặc khu Côn Đảo", Assert.Single(conDao.Successors).Successor.Name);

        // Provinces: Hà Giang went whole into Tuyên Quang.
        var haGiang = await db.AdministrativeUnits.Include(u => u.Successors).ThenInclude(s => s.Successor)
            .SingleAsync(u => u.Edition == "2025-03" && u.Level == AdministrativeLevel.Province && u.Code == "02");
        var link = Assert.Single(haGiang.Successors);
        Assert.Equal(("Tỉnh Tuyên Quang", SuccessionKind.Full, new DateOnly(2025, 7, 1)), (link.Successor.Name, link.Kind, link.EffectiveOn));
    }

    [Fact]
    public async Task Importing_the_bundled_editions_again_changes_nothing()
    {
        await using var db = fixture.CreateContext();
        var unitsBefore = await db.AdministrativeUnits.CountAsync(u => u.Edition == "2025-03" || u.Edition == "2025-07");
        var linksBefore = await db.AdministrativeUnitSuccessions.CountAsync();

        var results = await Importer(db).ImportBundledAsync(CancellationToken.None);

        Assert.All(results, r => Assert.Equal((0, 0), (r.Added, r.Updated)));
        Assert.Equal(unitsBefore, await db.AdministrativeUnits.CountAsync(u => u.Edition == "2025-03" || u.Edition == "2025-07"));
        Assert.Equal(linksBefore, await db.AdministrativeUnitSuccessions.CountAsync());
    }

    [Fact]
    public async Task A_file_with_a_bad_row_is_refused_whole_and_loses_nothing()
    {
        var edition = "test-" + Guid.NewGuid().ToString("N")[..6];
        await using var db = fixture.CreateContext();
        await Importer(db).ImportAsync(new StringReader(Csv(("90001", "Xã Một"), ("90002", "Xã Hai"))), Units(edition), CancellationToken.None);

        var bad = Csv(("90001", "Xã Một đã đổi"), ("90003", "Xã Ba")) + "99,Tỉnh Thử,ABC,Xã Lỗi,Xã\n";
        var error = await Assert.ThrowsAsync<UnitImportException>(() =>
            Importer(db).ImportAsync(new StringReader(bad), Units(edition), CancellationToken.None));

        Assert.Equal(4, error.Line);
        Assert.Contains("'ABC' is not a 5-digit commune code", error.Message, StringComparison.Ordinal);
        await using var fresh = fixture.CreateContext();
        var names = await fresh.AdministrativeUnits.Where(u => u.Edition == edition && u.Level == AdministrativeLevel.Commune)
            .OrderBy(u => u.Code).Select(u => u.Name).ToListAsync();
        Assert.Equal(["Xã Một", "Xã Hai"], names);
    }

    [Fact]
    public async Task A_corrected_file_updates_names_in_place()
    {
        var edition = "test-" + Guid.NewGuid().ToString("N")[..6];
        await using (var db = fixture.CreateContext())
        {
            await Importer(db).ImportAsync(new StringReader(Csv(("90001", "Xã Phó Bảng"))), Units(edition), CancellationToken.None);
        }

        UnitImportResult result;
        await using (var db = fixture.CreateContext())
        {
            result = await Importer(db).ImportAsync(new StringReader(Csv(("90001", "Xã Phố Bảng"), ("90002", "Xã Mới"))), Units(edition), CancellationToken.None);
        }

        Assert.Equal((1, 1, 1), (result.Added, result.Updated, result.Unchanged));
        await using var fresh = fixture.CreateContext();
        var commune = await fresh.AdministrativeUnits.SingleAsync(u => u.Edition == edition && u.Code == "90001");
        Assert.Equal("Xã Phố Bảng", commune.Name);
    }

    [Fact]
    public async Task A_mapping_before_its_editions_is_refused()
    {
        await using var db = fixture.CreateContext();
        var mapping = new UnitFileDescription { File = "m.csv", Kind = "succession", FromEdition = "1990-01", ToEdition = "2025-07", EffectiveOn = new DateOnly(2025, 7, 1) };
        var error = await Assert.ThrowsAsync<UnitImportException>(() => Importer(db).ImportAsync(
            new StringReader("old_commune_code,new_commune_code,old_province_code,new_province_code,merge_type\n00001,00004,01,01,full\n"), mapping, CancellationToken.None));
        Assert.Contains("import editions 1990-01 and 2025-07 before the mapping", error.Message, StringComparison.Ordinal);
    }

    private static AdministrativeUnitImporter Importer(AppDbContext db) => new(db, NullLogger<AdministrativeUnitImporter>.Instance);

    private static UnitFileDescription Units(string edition) => new() { File = "test.csv", Kind = "units", Edition = edition, ValidFrom = new DateOnly(2030, 1, 1) };

    private static string Csv(params (string Code, string Name)[] communes) =>
        "province_code,province_name,commune_code,commune_name,commune_type\n" +
        string.Concat(communes.Select(c => $"99,Tỉnh Thử,{c.Code},{c.Name},Xã\n"));

    private static Task<int> Count(AppDbContext db, string edition, AdministrativeLevel level) =>
        db.AdministrativeUnits.CountAsync(u => u.Edition == edition && u.Level == level);

    private static Task<AdministrativeUnit> InForceOn(AppDbContext db, string code, DateOnly day) =>
        db.AdministrativeUnits.Include(u => u.Parent)
            .SingleAsync(u => u.Level == AdministrativeLevel.Commune && u.Code == code
                              && (u.ValidFrom == null || u.ValidFrom <= day) && (u.ValidTo == null || u.ValidTo >= day));
}

public sealed class UnitImportTests_Sqlite(SqliteDatabaseFixture fixture) : UnitImportTests<SqliteDatabaseFixture>(fixture);

[Trait("Db", "Postgres")]
public sealed class UnitImportTests_Postgres(PostgresDatabaseFixture fixture) : UnitImportTests<PostgresDatabaseFixture>(fixture);

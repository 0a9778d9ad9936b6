using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Wordprocessing;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web.Features.AdministrativeUnits;
using NtmWorkflow.Web.Features.Council;
using NtmWorkflow.Web.Features.Documents;
using NtmWorkflow.Web.Persistence;
using static NtmWorkflow.Web.Features.Documents.OfficialDocument;

namespace NtmWorkflow.Web.Features.Reports;

/// <summary>What a report period is: a calendar month, a quarter, or any range of days asked for.</summary>
public enum ReportPeriodKind
{
    Month,
    Quarter,
    Range,
}

/// <summary>The days a report covers, both ends included (dates in Vietnam).</summary>
public sealed record ReportPeriod(DateOnly From, DateOnly To, ReportPeriodKind Kind)
{
    public static ReportPeriod Month(int year, int month)
    {
        var from = new DateOnly(year, month, 1);
        return new(from, from.AddMonths(1).AddDays(-1), ReportPeriodKind.Month);
    }

    public static ReportPeriod Quarter(int year, int quarter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quarter, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quarter, 4);
        var from = new DateOnly(year, (quarter * 3) - 2, 1);
        return new(from, from.AddMonths(3).AddDays(-1), ReportPeriodKind.Quarter);
    }

    /// <summary>The month before the one <paramref name="day"/> falls in: what the report of the 10th covers.</summary>
    public static ReportPeriod MonthBefore(DateOnly day)
    {
        var previous = new DateOnly(day.Year, day.Month, 1).AddMonths(-1);
        return Month(previous.Year, previous.Month);
    }

    /// <summary>
    /// A period from the download form: <c>month=2026-10</c>, <c>quarter=2026-Q4</c> (or <c>2026-4</c>), or
    /// <c>from</c>/<c>to</c> as yyyy-MM-dd; null when none is given or what is given is not a period.
    /// </summary>
    public static ReportPeriod? Parse(string? month, string? quarter, string? from, string? to)
    {
        if (!string.IsNullOrWhiteSpace(month))
        {
            return DateOnly.TryParseExact(month.Trim() + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var m) && m.Year is >= 2010 and <= 2100
                ? Month(m.Year, m.Month)
                : null;
        }

        if (!string.IsNullOrWhiteSpace(quarter))
        {
            var parts = quarter.Trim().ToUpperInvariant().Replace("Q", "", StringComparison.Ordinal).Split('-', 2);
            return parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var y) && y is >= 2010 and <= 2100
                   && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var q) && q is >= 1 and <= 4
                ? Quarter(y, q)
                : null;
        }

        if (DateOnly.TryParseExact(from?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            && DateOnly.TryParseExact(to?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end)
            && start <= end && start.Year >= 2010 && end.Year <= 2100)
        {
            return new(start, end, ReportPeriodKind.Range);
        }

        return null;
    }

    /// <summary>The quarter (1–4) the period's last day falls in.</summary>
    public int QuarterOfEnd => ((To.Month - 1) / 3) + 1;

    /// <summary>A quarter, or the last month of one: the report is then also the quarter's report (báo cáo quý).</summary>
    public bool IsQuarterReport => Kind == ReportPeriodKind.Quarter || (Kind == ReportPeriodKind.Month && To.Month % 3 == 0);

    /// <summary>"tháng 10/2026", "quý IV/2026", "từ ngày 01/01/2026 đến ngày 15/03/2026".</summary>
    public string Text => Kind switch
    {
        ReportPeriodKind.Month => "tháng " + To.ToString("MM/yyyy", CultureInfo.InvariantCulture),
        ReportPeriodKind.Quarter => "quý " + QuarterRoman + "/" + To.Year.ToString(CultureInfo.InvariantCulture),
        _ => "từ ngày " + From.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture) + " đến ngày " + To.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture),
    };

    /// <summary>"quý IV/2026": the quarter the period ends in.</summary>
    public string QuarterText => "quý " + QuarterRoman + "/" + To.Year.ToString(CultureInfo.InvariantCulture);

    /// <summary>For file names and dedup keys: 2026-10, 2026-Q4, 2026-01-01_2026-03-15.</summary>
    public string Slug => Kind switch
    {
        ReportPeriodKind.Month => To.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        ReportPeriodKind.Quarter => To.Year.ToString(CultureInfo.InvariantCulture) + "-Q" + QuarterOfEnd.ToString(CultureInfo.InvariantCulture),
        _ => From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "_" + To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };

    private string QuarterRoman => QuarterOfEnd switch { 1 => "I", 2 => "II", 3 => "III", _ => "IV" };
}

/// <summary>
/// A report's figures and what its heading needs: the province's name, in capitals for the letterhead and as the
/// place of the date line, and <c>DataDate</c>, the day (in Vietnam) the figures were taken ("số liệu đến ngày").
/// </summary>
public sealed record ProgrammeReportData(ReportPeriod Period, string ProvinceCode, string ProvinceName, string ProvinceUpper, string Place, DateOnly DataDate, DashboardFigures Figures);

/// <summary>
/// The coordination office's periodic report (báo cáo tháng, quý, or of any period asked; Kon Tum Directive
/// 04/CT-UBND asks it monthly before the 15th and at each quarter's end) as a Word document in the Decree 30/2020
/// layout and as a workbook with a sheet per figure. Both carry the dashboard's figures
/// (<see cref="ProgrammeDashboard.FiguresAsync"/>) for the year the period ends in, as they stand the day the report
/// is made: the data keeps no history of levels, steps or overdue tasks, so a report says its date and does not
/// pretend to figures at the period's end.
/// </summary>
public sealed class ProgrammeReport(ProgrammeDashboard dashboard, AppDbContext db, TimeProvider clock)
{
    public const string DocxContentType = OfficialDocument.ContentType;
    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    private static readonly CultureInfo Vietnamese = CultureInfo.GetCultureInfo("vi-VN");

    public async Task<ProgrammeReportData> DataAsync(string provinceCode, ReportPeriod period, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(period);
        var figures = await dashboard.FiguresAsync(provinceCode, period.To.Year, ct);
        var units = await db.AdministrativeUnits.AsNoTracking().Where(u => u.Level == AdministrativeLevel.Province && u.Code == provinceCode).ToListAsync(ct);
        var full = (units.FirstOrDefault(u => u.ValidTo is null) ?? units.FirstOrDefault())?.Name ?? $"Tỉnh {provinceCode}";
        var place = full.StartsWith("Thành phố ", StringComparison.Ordinal) ? full["Thành phố ".Length..] : full.StartsWith("Tỉnh ", StringComparison.Ordinal) ? full["Tỉnh ".Length..] : full;
        return new(period, provinceCode, full, full.ToUpper(Vietnamese), place, VietnamTime.VietnamDate(clock.GetUtcNow()), figures);
    }

    /// <summary>"bao-cao-ntm-01-2026-10.docx".</summary>
    public static string FileName(ProgrammeReportData data, string extension)
    {
        ArgumentNullException.ThrowIfNull(data);
        return $"bao-cao-ntm-{data.ProvinceCode}-{data.Period.Slug}.{extension}";
    }

    /// <summary>The title line under "BÁO CÁO".</summary>
    public static string Subject(ReportPeriod period)
    {
        ArgumentNullException.ThrowIfNull(period);
        return "Kết quả thực hiện Chương trình MTQG xây dựng nông thôn mới " + period.Text;
    }

    // ——— Rows: one list per figure, shared by the document and the workbook so they print the same numbers ———

    /// <summary>A figure's table: its sheet name (at most 31 characters), heading, column titles and rows.</summary>
    public sealed record Figure(string Sheet, string Heading, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<object?>> Rows);

    public static IReadOnlyList<Figure> Figures(ProgrammeReportData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var f = data.Figures;
        var year = f.Year.ToString(CultureInfo.InvariantCulture);
        return
        [
            new("Mức đạt chuẩn", "Xã theo mức đạt chuẩn", ["Mức đạt chuẩn", "Số xã"],
                [.. f.Levels.Select(l => Row(CouncilService.TierText(l.Tier), l.Communes)), Row("Chưa được công nhận", f.NotRecognised), Row("Tổng số xã", f.Communes)]),
            new("Kế hoạch năm", "Kế hoạch năm " + year + " và kết quả công nhận trong năm", ["Mức đạt chuẩn", "Kế hoạch", "Đã công nhận", "Văn bản giao"],
                [.. f.Targets.Select(t => Row(CouncilService.TierText(t.Tier), t.Target, t.Achieved, t.Source ?? ""))]),
            new("Hồ sơ theo bước", "Hồ sơ đang xét theo bước", ["Bước", "Số hồ sơ"],
                [.. f.Stages.Select(s => Row(s.Name, s.Dossiers))]),
            new("Tiêu chí đạt", "Số tiêu chí đạt theo xã", ["Số tiêu chí đạt", "Số xã"],
                [.. f.CriteriaMet.Select(b => Row(b.CriteriaMet, b.Communes))]),
            new("Chỉ tiêu chưa đạt", "Chỉ tiêu chưa đạt nhiều nhất", ["Chỉ tiêu", "Nội dung", "Số xã chưa đạt"],
                [.. f.MostUnmet.Select(u => Row(u.Number, u.Name, u.Communes))]),
            new("Đúng hạn theo đơn vị", "Tiến độ xử lý năm " + year + " theo đơn vị", ["Đơn vị", "Trước hạn", "Đúng hạn", "Quá hạn", "Tỷ lệ đúng và trước hạn (%)"],
                [.. f.TimelinessByUnit.Select(t => Row(t.Key.Length == 0 ? NoUnit : t.Label, t.Early, t.OnTime, t.Late, t.OnTimeRate))]),
            new("Đúng hạn theo bước", "Tiến độ xử lý năm " + year + " theo bước", ["Bước", "Trước hạn", "Đúng hạn", "Quá hạn", "Tỷ lệ đúng và trước hạn (%)"],
                [.. f.TimelinessByStep.Select(t => Row(t.Label, t.Early, t.OnTime, t.Late, t.OnTimeRate))]),
            new("Quá hạn theo đơn vị", "Việc quá hạn chưa xử lý theo đơn vị", ["Đơn vị", "Số việc quá hạn"],
                [.. f.OverdueByUnit.Select(o => Row(UnitText(o.Unit), o.Tasks))]),
        ];
    }

    private const string NoUnit = "(không xác định đơn vị)";

    private static object?[] Row(params object?[] cells) => cells;

    private static string UnitText(UnitName unit) => unit.Name ?? (unit.Kind.Length == 0 ? NoUnit : unit.Kind switch
    {
        "commune" => "Xã",
        "district" => "Huyện",
        "province" => "Tỉnh",
        "department" => "Sở",
        "coordination-office" => "Văn phòng Điều phối NTM tỉnh",
        "council" => "Hội đồng thẩm định tỉnh",
        _ => unit.Kind,
    } + " " + unit.Key.Split(':', 2)[^1]);

    /// <summary>How a cell prints in the document: numbers the Vietnamese way (2,3; 75,0 %), nothing as "–".</summary>
    private static string CellText(object? value, bool rate) => value switch
    {
        null => "–",
        decimal d => d.ToString("0.0", Vietnamese) + (rate ? " %" : ""),
        int i => i.ToString(CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    // ——— The workbook ———

    /// <summary>The workbook: a sheet "Thông tin" naming the report, then one sheet per figure with the document's numbers.</summary>
    public static byte[] Xlsx(ProgrammeReportData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var sheets = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["Thông tin"] = new List<Dictionary<string, object?>>
            {
                Info("Tỉnh, thành phố", data.ProvinceName),
                Info("Kỳ báo cáo", data.Period.Text + (data.Period.IsQuarterReport && data.Period.Kind == ReportPeriodKind.Month ? " (báo cáo " + data.Period.QuarterText + ")" : "")),
                Info("Số liệu đến ngày", data.DataDate.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)),
                Info("Năm của số liệu kế hoạch và tiến độ", data.Figures.Year),
                Info("Bình quân tiêu chí đạt/xã", data.Figures.AverageCriteriaMet),
                Info("Số xã có hồ sơ tự đánh giá", data.Figures.CommunesAssessed),
                Info("Hồ sơ đang xét", data.Figures.DossiersInProgress),
            },
        };
        foreach (var figure in Figures(data))
        {
            sheets[figure.Sheet] = figure.Rows.Count == 0
                ? new List<Dictionary<string, object?>> { figure.Columns.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => (object?)(p.i == 0 ? "Không có số liệu" : null), StringComparer.Ordinal) }
                : figure.Rows.Select(r => figure.Columns.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => r[p.i], StringComparer.Ordinal)).ToList();
        }

        using var stream = new MemoryStream();
        MiniExcel.SaveAs(stream, sheets);
        return stream.ToArray();
    }

    private static Dictionary<string, object?> Info(string item, object? value) => new(StringComparer.Ordinal) { ["Nội dung"] = item, ["Giá trị"] = value };

    // ——— The document ———

    /// <summary>The report as a .docx in the Decree 30/2020 layout, the number left blank for the office's clerk.</summary>
    public static byte[] Docx(ProgrammeReportData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var f = data.Figures;
        var figures = Figures(data);
        var year = f.Year.ToString(CultureInfo.InvariantCulture);
        var body = new List<OpenXmlElement>
        {
            LetterheadTable(new Letterhead("ỦY BAN NHÂN DÂN " + data.ProvinceUpper, "VĂN PHÒNG ĐIỀU PHỐI NÔNG THÔN MỚI", "     /BC-VPĐP", data.Place, data.DataDate, data.DataDate.Year)),
            Centered("BÁO CÁO", bold: true, before: 360),
            Centered(Subject(data.Period), bold: true, before: 0),
        };
        if (data.Period.IsQuarterReport)
        {
            body.Add(Centered("(Báo cáo quý " + data.Period.QuarterText["quý ".Length..] + ")", bold: true, before: 0));
        }

        body.Add(Rule(TextWidth / 3, TextWidth / 3));
        body.Add(Body(Italic("Số liệu đến ngày " + data.DataDate.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture) + ", lấy từ hệ thống quản lý hồ sơ xét công nhận. "
            + "Số xã theo mức đạt chuẩn, hồ sơ đang xét và việc quá hạn là số liệu tại ngày lập báo cáo; kế hoạch, kết quả công nhận và tiến độ xử lý tính từ đầu năm "
            + year + " đến ngày lập báo cáo.")));
        body.Add(Body(Plain("Văn phòng Điều phối nông thôn mới " + data.ProvinceName + " báo cáo kết quả thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới "
            + data.Period.Text + (data.Period.IsQuarterReport && data.Period.Kind == ReportPeriodKind.Month ? " và " + data.Period.QuarterText : "") + " như sau:")));

        body.Add(Heading("I. KẾT QUẢ THỰC HIỆN"));
        var recognised = f.Levels.Sum(l => l.Communes);
        body.Add(Body(Bold("1. Xã theo mức đạt chuẩn. "), Plain($"Toàn tỉnh có {f.Communes} xã, trong đó {recognised} xã đã được công nhận đạt chuẩn và {f.NotRecognised} xã chưa được công nhận.")));
        body.AddRange(FigureTable(figures[0]));
        body.Add(Body(Bold("2. Kết quả so với kế hoạch năm " + year + ".")));
        body.AddRange(FigureTable(figures[1]));
        body.Add(Body(Bold("3. Hồ sơ đang xét. "), Plain($"Có {f.DossiersInProgress} hồ sơ đang trong quá trình xét công nhận; theo bước đang xử lý:")));
        body.AddRange(FigureTable(figures[2]));
        body.Add(Body(Bold("4. Số tiêu chí đạt. "), Plain(f.AverageCriteriaMet is { } average
            ? $"Bình quân {average.ToString("0.0", Vietnamese)} tiêu chí/xã ({f.CommunesAssessed} xã có hồ sơ tự đánh giá, theo hồ sơ gần nhất của mỗi xã)."
            : "Chưa có xã nào có hồ sơ tự đánh giá.")));
        body.AddRange(FigureTable(figures[3]));
        body.Add(Body(Bold("5. Chỉ tiêu chưa đạt nhiều nhất.")));
        body.AddRange(FigureTable(figures[4]));

        body.Add(Heading("II. TIẾN ĐỘ XỬ LÝ HỒ SƠ"));
        body.Add(Body(Bold("1. Tỷ lệ xử lý đúng hạn theo đơn vị"), Plain(" (việc hoàn thành trong năm " + year + " có thời hạn).")));
        body.AddRange(FigureTable(figures[5], rateColumn: 4));
        body.Add(Body(Bold("2. Tỷ lệ xử lý đúng hạn theo bước.")));
        body.AddRange(FigureTable(figures[6], rateColumn: 4));
        body.Add(Body(Bold("3. Việc quá hạn chưa xử lý theo đơn vị.")));
        body.AddRange(FigureTable(figures[7]));

        body.Add(Heading("III. KHÓ KHĂN, VƯỚNG MẮC"));
        body.Add(Body(Italic("(Văn phòng Điều phối bổ sung khó khăn, vướng mắc trong kỳ.)")));
        body.Add(Body(Plain("……………………………………………………………………………………………")));
        body.Add(Heading("IV. ĐỀ XUẤT, KIẾN NGHỊ"));
        body.Add(Body(Plain("……………………………………………………………………………………………")));
        body.Add(Body(Plain("Văn phòng Điều phối nông thôn mới " + data.ProvinceName + " báo cáo./.")));

        var recipients = new List<OpenXmlElement>
        {
            Left(BoldItalic("Nơi nhận:", 24)),
            Left(Plain("- Văn phòng Điều phối nông thôn mới Trung ương;", 22)),
            Left(Plain("- Ban Chỉ đạo các Chương trình MTQG tỉnh;", 22)),
            Left(Plain("- UBND tỉnh;", 22)),
            Left(Plain("- Các sở, ban, ngành thành viên;", 22)),
            Left(Plain("- Lưu: VT.", 22)),
        };
        var signer = new List<OpenXmlElement> { Centered("CHÁNH VĂN PHÒNG", bold: true, before: 0) };
        signer.AddRange(EmptyLines(4));
        body.Add(Spacer());
        body.Add(SignatureTable(recipients, signer, TextWidth * 9 / 20));
        return Package("Báo cáo " + Subject(data.Period), body);
    }

    /// <summary>A figure's table, numbered rows, the first column left-aligned; "Không có số liệu." when it has no row.</summary>
    private static IEnumerable<OpenXmlElement> FigureTable(Figure figure, int rateColumn = -1)
    {
        if (figure.Rows.Count == 0)
        {
            yield return Body(Italic("Không có số liệu."));
            yield break;
        }

        const int size = 24;
        const int order = 700;
        var first = figure.Columns.Count switch { 2 => 5655, 3 => 1500, 4 => 3000, _ => 3155 };
        var widths = new List<int> { order, first };
        var rest = TextWidth - order - first;
        var others = figure.Columns.Count - 1;
        if (figure.Columns.Count == 3)
        {
            // An indicator: its number, its text (wide), the count.
            widths.AddRange([rest - 1800, 1800]);
        }
        else
        {
            widths.AddRange(Enumerable.Range(0, others).Select(i => i < others - 1 ? rest / others : rest - (rest / others * (others - 1))));
        }

        var w = widths.ToArray();
        var table = NewTable(w, borders: true);
        table.Append(HeaderRow(w, ["STT", .. figure.Columns], size));
        for (var r = 0; r < figure.Rows.Count; r++)
        {
            var row = new TableRow(DataCell(w[0], (r + 1).ToString(CultureInfo.InvariantCulture), size));
            for (var c = 0; c < figure.Columns.Count; c++)
            {
                var value = figure.Rows[r][c];
                row.Append(DataCell(w[c + 1], CellText(value, c == rateColumn), size,
                    justification: value is string && (c == 0 || figure.Columns.Count == 3) ? JustificationValues.Left : JustificationValues.Center));
            }

            table.Append(row);
        }

        yield return table;
    }
}

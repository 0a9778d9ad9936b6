using Microsoft.Extensions.Localization;
using NtmWorkflow.Web.Infrastructure.Excel;

namespace NtmWorkflow.Web.Tests.Excel;

/// <summary>
/// The export's writer on its own: headers in the order given (also for an empty list), instants as dates in Vietnam time,
/// numbers as numbers, text a spreadsheet would take for a formula neutralised, an ASCII file name of the day in Vietnam,
/// and a note sheet when the list was cut.
/// </summary>
public sealed class ExcelExportTests
{
    private sealed record Line(string Text, int Count, DateTimeOffset At, DateOnly? Day, decimal? Amount);

    private static readonly ExcelColumn<Line>[] Columns =
    [
        new("Nội dung", l => l.Text), new("Số lượng", l => l.Count), new("Thời điểm", l => l.At), new("Ngày", l => l.Day), new("Số tiền", l => l.Amount),
    ];

    [Fact]
    public void Headers_keep_their_order_and_cells_their_kind_with_instants_in_Vietnam_time()
    {
        var at = new DateTimeOffset(2026, 11, 23, 18, 30, 0, TimeSpan.Zero); // 01:30 on the 24th in Vietnam
        var book = Workbook.Read(ExcelExport.Write("Việc", Columns, [new Line("Xã Ngọc Đường", 3, at, new DateOnly(2026, 12, 1), -12.5m), new Line("Xã Phú Linh", 0, at, null, null)]));

        Assert.Equal(["Việc"], book.Sheets);
        Assert.Equal(["Nội dung", "Số lượng", "Thời điểm", "Ngày", "Số tiền"], book.Headers);
        Assert.Equal(2, book.Rows.Count);
        var first = book.Rows[0];
        Assert.Equal("Xã Ngọc Đường", first["Nội dung"]);
        Assert.Equal(3d, first["Số lượng"]);
        Assert.Equal(new DateTime(2026, 11, 24, 1, 30, 0), first["Thời điểm"]);
        Assert.Equal(new DateTime(2026, 12, 1), first["Ngày"]);
        Assert.Equal(-12.5d, first["Số tiền"]); // a negative number is a number, not a formula
        Assert.Null(book.Rows[1]["Ngày"]);
    }

    [Fact]
    public void An_empty_list_still_has_its_header_row()
    {
        var book = Workbook.Read(ExcelExport.Write("Việc", Columns, []));
        Assert.Equal(["Nội dung", "Số lượng", "Thời điểm", "Ngày", "Số tiền"], book.Headers);
        Assert.Empty(book.Rows);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"https://evil.example\",\"bấm\")")]
    [InlineData("+84 912 345 678")]
    [InlineData("-1+1")]
    [InlineData("@SUM(A1:A2)")]
    [InlineData("\t=1+1")]
    [InlineData("\r=1+1")]
    public void Text_a_spreadsheet_would_read_as_a_formula_gets_a_leading_apostrophe(string text)
    {
        Assert.Equal("'" + text, ExcelExport.Text(text));
        var book = Workbook.Read(ExcelExport.Write("Việc", Columns, [new Line(text, 1, DateTimeOffset.UnixEpoch, null, null)]));
        var cell = Assert.IsType<string>(book.Rows[0]["Nội dung"]);

        // XML reads a carriage return back as a line feed; the apostrophe stays first either way.
        Assert.Equal(("'" + text).ReplaceLineEndings("\n"), cell.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("2025-NTM-00700")]
    [InlineData("Xã Ngọc Đường")]
    [InlineData("a=b")]
    [InlineData("")]
    public void Other_text_is_written_as_it_is(string text) => Assert.Equal(text, ExcelExport.Text(text));

    [Fact]
    public void The_file_is_named_in_ASCII_with_the_day_in_Vietnam()
    {
        Assert.Equal("hop-thu-cong-viec-2026-11-24.xlsx", ExcelExport.FileName("hop-thu-cong-viec", new DateTimeOffset(2026, 11, 23, 17, 0, 0, TimeSpan.Zero)));
        Assert.Equal("hop-thu-cong-viec-2026-11-23.xlsx", ExcelExport.FileName("hop-thu-cong-viec", new DateTimeOffset(2026, 11, 23, 16, 59, 0, TimeSpan.Zero)));
        Assert.Throws<ArgumentException>(() => ExcelExport.FileName("hộp-thư", DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void A_cut_list_says_so_on_a_note_sheet_and_a_whole_one_has_none()
    {
        var text = new Resources();
        var rows = new[] { new Line("a", 1, DateTimeOffset.UnixEpoch, null, null), new Line("b", 2, DateTimeOffset.UnixEpoch, null, null) };

        var cut = ExcelExport.File("viec", new DateTimeOffset(2026, 11, 24, 3, 0, 0, TimeSpan.Zero), "Việc", Columns, new ExportRows<Line>(rows, 12_345), text);
        Assert.Equal(ExcelExport.ContentType, cut.ContentType);
        Assert.Equal("viec-2026-11-24.xlsx", cut.FileDownloadName);
        var book = Workbook.Read(cut.FileContents);
        Assert.Equal(["Việc", "Export_NoteSheet"], book.Sheets);
        Assert.Equal(2, book.Rows.Count);
        Assert.Equal("Export_Cut 2 12345", Assert.Single(book.Sheet("Export_NoteSheet"))["Export_NoteSheet"]);

        var whole = ExcelExport.File("viec", DateTimeOffset.UnixEpoch, "Việc", Columns, new ExportRows<Line>(rows, 2), text);
        Assert.Equal(["Việc"], Workbook.Read(whole.FileContents).Sheets);
    }

    /// <summary>Resource names with their arguments, so the test sees which text was asked for.</summary>
    private sealed class Resources : IStringLocalizer
    {
        public LocalizedString this[string name] => new(name, name);

        public LocalizedString this[string name, params object[] arguments] =>
            new(name, string.Join(' ', arguments.Select(a => Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture)).Prepend(name)));

        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => [];
    }
}

using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using DocumentFormat.OpenXml.Wordprocessing;
using NtmWorkflow.Web.Features.Council;
using NtmWorkflow.Web.Features.Documents;

namespace NtmWorkflow.Web.Tests.Council;

/// <summary>
/// The council's minutes and draft decision, read back from the .docx bytes: the letterhead and layout of Decree 30/2020,
/// the tallies, the dissents and the communes as given, and a package Word opens (the SDK's validator finds no error).
/// </summary>
public sealed class CouncilDocumentsTests
{
    private const string TrickyName = "Nguyễn Văn <w:t>&amp; \"Tư\"";

    private static readonly Letterhead CouncilHead = new("ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ", "HỘI ĐỒNG THẨM ĐỊNH", "12/BB-HĐTĐ", "Phú Thọ", new DateOnly(2026, 2, 5), 2026);

    private static CouncilMinutes SampleMinutes(DateTimeOffset? closedAt) => new(
        CouncilHead,
        "Phiên họp thẩm định hồ sơ đề nghị công nhận xã đạt chuẩn nông thôn mới năm 2026",
        new DateTimeOffset(2026, 2, 5, 1, 30, 0, TimeSpan.Zero), // 08:30 in Vietnam
        closedAt,
        "Phòng họp số 1, Ủy ban nhân dân tỉnh Phú Thọ",
        "Trần Văn An",
        "Lê Thị Bình",
        "Hồ sơ được thông qua khi có quá 1/2 số thành viên tham dự, không tính thành viên không biểu quyết do xung đột lợi ích, đồng ý; phiên họp hợp lệ khi có ít nhất 2/3 số thành viên đương nhiệm tham dự.",
        [
            new("Trần Văn An", "Chủ tịch Hội đồng", "Phó Chủ tịch Ủy ban nhân dân tỉnh", AttendanceKind.Present),
            new("Phạm Văn Cường", "Phó Chủ tịch Hội đồng", "Giám đốc Sở Nông nghiệp và Môi trường", AttendanceKind.Present),
            new("Hoàng Thị Dung", "Ủy viên", "Giám đốc Sở Tài chính", AttendanceKind.Present),
            new("Vũ Văn Em", "Ủy viên", "Giám đốc Sở Xây dựng", AttendanceKind.Present),
            new("Đỗ Thị Giang", "Ủy viên", "Giám đốc Sở Y tế", AttendanceKind.Present),
            new(TrickyName, "Ủy viên", "Giám đốc Sở Giáo dục và Đào tạo", AttendanceKind.Present),
            new("Bùi Văn Hải", "Ủy viên", "Giám đốc Sở Văn hóa, Thể thao và Du lịch", AttendanceKind.Present),
            new("Ngô Thị Khánh", "Ủy viên", null, AttendanceKind.Absent),
            new("Lê Thị Bình", "Thư ký", "Chánh Văn phòng Điều phối nông thôn mới tỉnh", AttendanceKind.Present),
        ],
        ["Báo cáo thẩm định của Văn phòng Điều phối nông thôn mới tỉnh", "Báo cáo kết quả lấy ý kiến của các sở, ngành"],
        [
            new(1, "HS-2026-001", "Xã Thanh Sơn", "Nông thôn mới", 9, 8, 7, 0, 0, 1, 0, 7, 4, true, true, "Thông qua", []),
            new(2, "HS-2026-002", "Xã Tân Lập", "Nông thôn mới nâng cao", 9, 7, 3, 2, 0, 0, 0, 7, 4, true, false, "Không thông qua",
            [
                new("Phạm Văn Cường", "Không đồng ý", "Tiêu chí số 17 về môi trường chưa đạt: tỷ lệ chất thải rắn được thu gom dưới 90%."),
                new("Hoàng Thị Dung", "Không đồng ý", "Nợ đọng xây dựng cơ bản chưa được xử lý dứt điểm."),
            ]),
            new(3, "HS-2026-003", "Xã Hùng Lô", "Nông thôn mới kiểu mẫu", 9, 5, 5, 0, 0, 0, 0, 5, 3, false, false, "Không đủ số thành viên tham dự", []),
        ]);

    private static DraftDecision SampleDecision() => new(
        new Letterhead(null, "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ", "     /QĐ-UBND", "Phú Thọ", null, 2026),
        "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        null,
        "Phú Thọ",
        2026,
        [
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025",
            "Căn cứ Quyết định số 18/2022/QĐ-TTg ngày 02 tháng 8 năm 2022 của Thủ tướng Chính phủ;",
            "Theo đề nghị của Chánh Văn phòng Điều phối nông thôn mới tỉnh.",
        ],
        [
            new("Xã đạt chuẩn nông thôn mới", [new("Xã Thanh Sơn", null), new("Xã Văn Lung", null)]),
            new("Xã đạt chuẩn nông thôn mới kiểu mẫu", [new("Xã Hy Cương", "sản xuất")]),
        ],
        ["Chủ tịch, các Phó Chủ tịch UBND tỉnh", "Như Điều 3"]);

    [Fact]
    public void The_minutes_carry_the_letterhead_of_decree_30_with_the_date_written_with_leading_zeros()
    {
        using var doc = Open(CouncilDocuments.Minutes(SampleMinutes(null)));
        var texts = Paragraphs(doc);

        Assert.Contains("ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ", texts);
        Assert.Contains("HỘI ĐỒNG THẨM ĐỊNH", texts);
        Assert.Contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", texts);
        Assert.Contains("Độc lập - Tự do - Hạnh phúc", texts);
        Assert.Contains("Số: 12/BB-HĐTĐ", texts);
        Assert.Contains("Phú Thọ, ngày 05 tháng 02 năm 2026", texts);
        Assert.Contains("BIÊN BẢN", texts);

        // The letterhead is the first element of the body: a table with no borders, 40 % on the left.
        var head = Assert.IsType<Table>(doc.MainDocumentPart!.Document!.Body!.FirstChild);
        Assert.Null(head.GetFirstChild<TableProperties>()!.TableBorders);
        var columns = head.GetFirstChild<TableGrid>()!.Elements<GridColumn>().Select(c => int.Parse(c.Width!.Value!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(2, columns.Count);
        Assert.InRange(columns[0] * 100 / columns.Sum(), 35, 45);

        // The issuing body is bold, the parent body upright and not bold, the date italic.
        Assert.True(RunOf(doc, "HỘI ĐỒNG THẨM ĐỊNH").RunProperties!.Bold is not null);
        Assert.Null(RunOf(doc, "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ").RunProperties!.Bold);
        Assert.NotNull(RunOf(doc, "Phú Thọ, ngày 05 tháng 02 năm 2026").RunProperties!.Italic);
    }

    [Fact]
    public void The_minutes_list_the_members_the_times_in_Vietnam_and_the_closing()
    {
        var closed = new DateTimeOffset(2026, 2, 5, 4, 15, 0, TimeSpan.Zero);
        using var doc = Open(CouncilDocuments.Minutes(SampleMinutes(closed)));
        var texts = Paragraphs(doc);

        Assert.Contains("Thời gian: Phiên họp bắt đầu lúc 08 giờ 30 phút, ngày 05 tháng 02 năm 2026.", texts);
        Assert.Contains("Địa điểm: Phòng họp số 1, Ủy ban nhân dân tỉnh Phú Thọ.", texts);
        Assert.Contains("Chủ trì: Trần Văn An.", texts);
        Assert.Contains("Thư ký: Lê Thị Bình.", texts);
        Assert.Contains("Có mặt: 8/9 thành viên; vắng mặt: 1 thành viên.", texts);
        Assert.Contains("1. Báo cáo thẩm định của Văn phòng Điều phối nông thôn mới tỉnh;", texts);
        Assert.Contains("2. Báo cáo kết quả lấy ý kiến của các sở, ngành.", texts);
        Assert.Contains(texts, t => t.StartsWith("Hồ sơ được thông qua khi có quá 1/2", StringComparison.Ordinal));
        Assert.Contains("Phiên họp kết thúc lúc 11 giờ 15 phút, ngày 05 tháng 02 năm 2026.", texts);
        Assert.Contains(texts, t => t.StartsWith("Biên bản được lập thành 02 bản", StringComparison.Ordinal));

        var members = Rows(doc, "Họ và tên");
        Assert.Equal(10, members.Count);
        Assert.Equal(["8", "Ngô Thị Khánh", "Ủy viên", "", "Vắng mặt"], members[8]);
        Assert.Equal(["3", "Hoàng Thị Dung", "Ủy viên", "Giám đốc Sở Tài chính", "Có mặt"], members[3]);

        // The signatures: secretary left, chair right, titles bold.
        Assert.Contains("THƯ KÝ", texts);
        Assert.Contains("CHỦ TỊCH HỘI ĐỒNG", texts);
        Assert.NotNull(RunOf(doc, "CHỦ TỊCH HỘI ĐỒNG").RunProperties!.Bold);

        using var open = Open(CouncilDocuments.Minutes(SampleMinutes(null)));
        Assert.Contains("Phiên họp chưa kết thúc tại thời điểm lập biên bản.", Paragraphs(open));
    }

    [Fact]
    public void The_minutes_show_each_dossier_tally_and_every_dissent_with_its_reason()
    {
        using var doc = Open(CouncilDocuments.Minutes(SampleMinutes(null)));
        var rows = Rows(doc, "Mã hồ sơ");

        Assert.Equal(["STT", "Mã hồ sơ", "Xã", "Hạng", "Thành viên tham dự / đương nhiệm", "Đồng ý", "Không đồng ý", "Phiếu trắng",
            "Không biểu quyết (xung đột lợi ích)", "Cơ sở tính tỷ lệ", "Cần đồng ý tối thiểu", "Kết quả"], rows[0]);
        Assert.Equal(["1", "HS-2026-001", "Xã Thanh Sơn", "Nông thôn mới", "8/9", "7", "0", "0", "1", "7", "4", "Thông qua"], rows[1]);
        Assert.Equal(["2", "HS-2026-002", "Xã Tân Lập", "Nông thôn mới nâng cao", "7/9", "3", "2", "0", "0", "7", "4", "Không thông qua"], rows[2]);
        Assert.Equal(["3", "HS-2026-003", "Xã Hùng Lô", "Nông thôn mới kiểu mẫu", "5/9", "5", "0", "0", "0", "5", "3", "Không đủ số thành viên tham dự"], rows[3]);

        var texts = Paragraphs(doc);
        Assert.Contains("Ý kiến không đồng ý – Xã Tân Lập:", texts);
        Assert.Contains("- Phạm Văn Cường: Không đồng ý. Lý do: Tiêu chí số 17 về môi trường chưa đạt: tỷ lệ chất thải rắn được thu gom dưới 90%.", texts);
        Assert.Contains("- Hoàng Thị Dung: Không đồng ý. Lý do: Nợ đọng xây dựng cơ bản chưa được xử lý dứt điểm.", texts);
        Assert.DoesNotContain("Ý kiến không đồng ý – Xã Thanh Sơn:", texts);
        Assert.Contains("Hồ sơ HS-2026-003 – Xã Hùng Lô: không đủ số thành viên tham dự theo quy định (5/9 thành viên).", texts);
    }

    [Fact]
    public void Text_from_the_data_is_text_not_markup()
    {
        using var doc = Open(CouncilDocuments.Minutes(SampleMinutes(null)));

        Assert.Contains(TrickyName, Paragraphs(doc));
        Assert.Equal(TrickyName, Rows(doc, "Họ và tên")[6][1]);

        // In the part's XML the markup is escaped, not a second text element.
        using var reader = new StreamReader(doc.MainDocumentPart!.GetStream());
        var xml = reader.ReadToEnd();
        Assert.Contains("Nguyễn Văn &lt;w:t&gt;&amp;amp;", xml, StringComparison.Ordinal);
    }

    [Fact]
    public void The_decision_names_the_tiers_present_and_every_commune_with_the_outstanding_field()
    {
        using var doc = Open(CouncilDocuments.Decision(SampleDecision()));
        var texts = Paragraphs(doc);

        Assert.Contains("ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ", texts);
        Assert.Contains("Độc lập - Tự do - Hạnh phúc", texts);
        Assert.Contains("Số:      /QĐ-UBND", texts);
        Assert.Contains("Phú Thọ, ngày      tháng      năm 2026", texts);
        Assert.Contains("QUYẾT ĐỊNH", texts);
        Assert.Contains("Về việc công nhận xã đạt chuẩn nông thôn mới, nông thôn mới kiểu mẫu năm 2026", texts);
        Assert.Contains("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ", texts);
        Assert.Contains("QUYẾT ĐỊNH:", texts);

        // Grounds in italics, ';' after each but the last, which ends with '.'.
        Assert.Contains("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;", texts);
        Assert.Contains("Căn cứ Quyết định số 18/2022/QĐ-TTg ngày 02 tháng 8 năm 2022 của Thủ tướng Chính phủ;", texts);
        Assert.Contains("Theo đề nghị của Chánh Văn phòng Điều phối nông thôn mới tỉnh.", texts);
        Assert.NotNull(RunOf(doc, "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;").RunProperties!.Italic);

        Assert.Contains("Điều 1. Công nhận xã đạt chuẩn nông thôn mới, nông thôn mới kiểu mẫu năm 2026 đối với các xã sau:", texts);
        var basic = texts.IndexOf("1. Xã đạt chuẩn nông thôn mới:");
        var model = texts.IndexOf("2. Xã đạt chuẩn nông thôn mới kiểu mẫu:");
        Assert.True(basic >= 0 && model > basic);
        Assert.Equal("1) Xã Thanh Sơn;", texts[basic + 1]);
        Assert.Equal("2) Xã Văn Lung.", texts[basic + 2]);

        var communes = Rows(doc, "Tên xã");
        Assert.Equal(["STT", "Tên xã", "Lĩnh vực nổi trội"], communes[0]);
        Assert.Equal(["1", "Xã Hy Cương", "sản xuất"], communes[1]);
        Assert.Equal(2, communes.Count);

        Assert.Contains(texts, t => t.StartsWith("Điều 2. ", StringComparison.Ordinal) && t.Contains("Văn phòng Điều phối nông thôn mới tỉnh", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.StartsWith("Điều 3. Quyết định này có hiệu lực kể từ ngày ký.", StringComparison.Ordinal) && t.EndsWith("./.", StringComparison.Ordinal));

        Assert.Contains("Nơi nhận:", texts);
        Assert.Contains("- Chủ tịch, các Phó Chủ tịch UBND tỉnh;", texts);
        Assert.Contains("- Như Điều 3;", texts);
        Assert.Equal("- Lưu: VT.", texts[texts.IndexOf("- Như Điều 3;") + 1]);
        Assert.Contains("KT. CHỦ TỊCH", texts);
        Assert.Contains("PHÓ CHỦ TỊCH", texts);
    }

    [Fact]
    public void A_decision_of_the_basic_tier_only_keeps_the_short_title_and_an_empty_one_says_so()
    {
        var basicOnly = SampleDecision() with { Tiers = [new("Xã đạt chuẩn nông thôn mới", [new("Xã Thanh Sơn", null)])] };
        using (var doc = Open(CouncilDocuments.Decision(basicOnly)))
        {
            Assert.Contains("Về việc công nhận xã đạt chuẩn nông thôn mới năm 2026", Paragraphs(doc));
            Assert.Equal("Quyết định về việc công nhận xã đạt chuẩn nông thôn mới năm 2026", doc.PackageProperties.Title);
        }

        using var empty = Open(CouncilDocuments.Decision(SampleDecision() with { Tiers = [], Recipients = [] }));
        var texts = Paragraphs(empty);
        Assert.Contains("Không có xã nào được đề nghị công nhận.", texts);
        Assert.Equal("- Lưu: VT.", texts[texts.IndexOf("Nơi nhận:") + 1]);
        Assert.Empty(Validate(empty));
    }

    [Fact]
    public void Minutes_with_nothing_to_list_say_so_and_stay_valid()
    {
        using var doc = Open(CouncilDocuments.Minutes(SampleMinutes(null) with { Attendees = [], ReportsPresented = [], Dossiers = [], RulesText = "" }));
        var texts = Paragraphs(doc);

        Assert.Contains("Không có thành viên nào được ghi nhận.", texts);
        Assert.Contains("Không có báo cáo nào được trình bày.", texts);
        Assert.Contains("Không có hồ sơ nào được đưa ra biểu quyết.", texts);
        Assert.DoesNotContain(doc.MainDocumentPart!.Document!.Body!.Descendants<Table>(), t => t.InnerText.Contains("Mã hồ sơ", StringComparison.Ordinal));
        Assert.Empty(Validate(doc));
    }

    [Fact]
    public void Both_documents_are_A4_with_the_margins_and_font_of_decree_30_and_valid_packages()
    {
        foreach (var bytes in new[] { CouncilDocuments.Minutes(SampleMinutes(DateTimeOffset.UnixEpoch)), CouncilDocuments.Decision(SampleDecision()) })
        {
            using var doc = Open(bytes);
            var section = doc.MainDocumentPart!.Document!.Body!.GetFirstChild<SectionProperties>()!;
            var size = section.GetFirstChild<PageSize>()!;
            Assert.Equal(11906u, size.Width!.Value);
            Assert.Equal(16838u, size.Height!.Value);
            var margins = section.GetFirstChild<PageMargin>()!;
            Assert.Equal(1134, margins.Top!.Value);
            Assert.Equal(1134, margins.Bottom!.Value);
            Assert.Equal(1701u, margins.Left!.Value);
            Assert.Equal(850u, margins.Right!.Value);

            var defaults = doc.MainDocumentPart.StyleDefinitionsPart!.Styles!.DocDefaults!.RunPropertiesDefault!.RunPropertiesBaseStyle!;
            var fonts = defaults.GetFirstChild<RunFonts>()!;
            Assert.Equal("Times New Roman", fonts.Ascii?.Value);
            Assert.Equal("Times New Roman", fonts.HighAnsi?.Value);
            Assert.Equal("Times New Roman", fonts.EastAsia?.Value);
            Assert.Equal("Times New Roman", fonts.ComplexScript?.Value);
            Assert.Equal("28", defaults.GetFirstChild<FontSize>()!.Val?.Value);

            // Body text: justified, first line indented 1.27 cm.
            var body = doc.MainDocumentPart.Document.Body.Elements<Paragraph>().First(p => p.InnerText.StartsWith("Căn cứ", StringComparison.Ordinal) || p.InnerText.StartsWith("Thời gian", StringComparison.Ordinal));
            Assert.Equal(JustificationValues.Both, body.ParagraphProperties!.Justification!.Val!.Value);
            Assert.Equal("720", body.ParagraphProperties.Indentation!.FirstLine?.Value);

            Assert.All(doc.MainDocumentPart.Document.Body.Descendants<Run>(), r => Assert.Equal("vi-VN", r.RunProperties?.Languages?.Val?.Value));
            Assert.Equal("NtmWorkflow", doc.PackageProperties.Creator);
            Assert.Empty(Validate(doc));
        }
    }

    private static WordprocessingDocument Open(byte[] bytes) => WordprocessingDocument.Open(new MemoryStream(bytes), false);

    private static List<string> Validate(WordprocessingDocument doc) =>
        [.. new OpenXmlValidator(FileFormatVersions.Office2016).Validate(doc).Select(e => $"{e.Path?.XPath}: {e.Description}")];

    private static List<string> Paragraphs(WordprocessingDocument doc) =>
        [.. doc.MainDocumentPart!.Document!.Body!.Descendants<Paragraph>().Select(p => p.InnerText)];

    private static Run RunOf(WordprocessingDocument doc, string text) =>
        doc.MainDocumentPart!.Document!.Body!.Descendants<Run>().First(r => r.InnerText == text);

    /// <summary>The cell texts of each row of the table whose first row has a cell <paramref name="header"/>.</summary>
    private static List<List<string>> Rows(WordprocessingDocument doc, string header) =>
        [.. doc.MainDocumentPart!.Document!.Body!.Descendants<Table>()
            .First(t => t.Elements<TableRow>().First().Elements<TableCell>().Any(c => c.InnerText == header))
            .Elements<TableRow>()
            .Select(r => r.Elements<TableCell>().Select(c => c.InnerText).ToList())];
}

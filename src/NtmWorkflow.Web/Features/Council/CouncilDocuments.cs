using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace NtmWorkflow.Web.Features.Council;

/// <summary>The block at the top of an administrative document (Decree 30/2020, Appendix I).</summary>
/// <param name="ParentBody">The governing body (cơ quan chủ quản), e.g. "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ", printed upright; null when there is none.</param>
/// <param name="IssuingBody">The issuing body, e.g. "HỘI ĐỒNG THẨM ĐỊNH", printed bold with a short rule under it.</param>
/// <param name="NumberAndSymbol">The text after "Số: ", e.g. "12/BB-HĐTĐ", or "     /QĐ-UBND" for a draft (number left blank).</param>
/// <param name="Place">The place name of the date line, e.g. "Phú Thọ".</param>
/// <param name="Date">The date of the document; null prints blanks for day and month, with <paramref name="Year"/>.</param>
/// <param name="Year">The year printed when <paramref name="Date"/> is null.</param>
public sealed record Letterhead(string? ParentBody, string IssuingBody, string NumberAndSymbol, string Place, DateOnly? Date, int Year);

/// <summary>How a member took part in the session.</summary>
public enum AttendanceKind
{
    /// <summary>In the room ("Có mặt").</summary>
    Present,

    /// <summary>Absent but voted in writing ("Biểu quyết bằng văn bản").</summary>
    WrittenVote,

    /// <summary>Absent ("Vắng mặt").</summary>
    Absent,
}

/// <summary>One member of the council in the minutes.</summary>
/// <param name="FullName">The member's full name.</param>
/// <param name="Position">The position in the council: "Chủ tịch Hội đồng", "Phó Chủ tịch Hội đồng", "Ủy viên", "Thư ký".</param>
/// <param name="Title">The member's office, e.g. "Giám đốc Sở Tài chính".</param>
/// <param name="Attendance">How the member took part in the session.</param>
public sealed record MinutesAttendee(string FullName, string Position, string? Title, AttendanceKind Attendance);

/// <summary>A vote other than "agree", with its reason.</summary>
/// <param name="MemberName">The member's full name.</param>
/// <param name="Choice">As printed: "Không đồng ý", "Không biểu quyết (xung đột lợi ích)", "Không biểu quyết (phiếu trắng)".</param>
/// <param name="Reason">The reason given; null when none was.</param>
public sealed record MinutesDissent(string MemberName, string Choice, string? Reason);

/// <summary>One dossier's row in the table of votes, with the outcome as printed and the dissents listed under the table.</summary>
public sealed record MinutesDossier(int Order, string DossierCode, string CommuneName, string TierText,
    int MembersInForce, int Attending, int Agree, int Disagree, int Abstain, int Recused, int WrittenVotes,
    int ApprovalBase, int AgreeNeeded, bool QuorumMet, bool Passed, string OutcomeText, IReadOnlyList<MinutesDissent> Dissents);

/// <summary>What the minutes of a council session (biên bản phiên họp) print.</summary>
public sealed record CouncilMinutes(Letterhead Letterhead, string SessionTitle, DateTimeOffset OpenedAt, DateTimeOffset? ClosedAt, string Venue,
    string ChairName, string SecretaryName, string RulesText, IReadOnlyList<MinutesAttendee> Attendees, IReadOnlyList<string> ReportsPresented, IReadOnlyList<MinutesDossier> Dossiers);

/// <summary>A commune named in Article 1 of the decision; <paramref name="OutstandingField"/> for a model commune ("sản xuất").</summary>
public sealed record DecisionCommune(string CommuneName, string? OutstandingField);

/// <summary>A tier of recognition in Article 1: "Xã đạt chuẩn nông thôn mới", "… nâng cao", "… kiểu mẫu".</summary>
public sealed record DecisionTier(string Heading, IReadOnlyList<DecisionCommune> Communes);

/// <summary>What the draft recognition decision (dự thảo quyết định công nhận) prints.</summary>
/// <param name="Letterhead">The letterhead of the provincial people's committee.</param>
/// <param name="SignerTitle">The signer's title lines, separated by '\n' ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH").</param>
/// <param name="SignerName">The signer's name; null leaves the line blank.</param>
/// <param name="ProvinceName">The province, e.g. "Phú Thọ".</param>
/// <param name="Year">The year of recognition.</param>
/// <param name="Grounds">The legal grounds, each printed in italics as given ("Căn cứ …").</param>
/// <param name="Tiers">The tiers of Article 1 with their communes.</param>
/// <param name="Recipients">The recipients ("Nơi nhận"), before "Lưu: VT.".</param>
public sealed record DraftDecision(Letterhead Letterhead, string SignerTitle, string? SignerName, string ProvinceName, int Year,
    IReadOnlyList<string> Grounds, IReadOnlyList<DecisionTier> Tiers, IReadOnlyList<string> Recipients);

/// <summary>
/// The appraisal council's Word documents in the layout of Decree 30/2020/NĐ-CP, Appendix I: A4, margins 20/20/30/15 mm,
/// Times New Roman 14 pt, the letterhead as a borderless two-column table. Pure functions: data in, .docx bytes out.
/// Every text the data gives is written as text (escaped by the SDK), never as markup.
/// </summary>
public static class CouncilDocuments
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    private const string Font = "Times New Roman";
    private const string Language = "vi-VN";
    private const int PageWidth = 11906;
    private const int PageHeight = 16838;
    private const int MarginTop = 1134; // 20 mm
    private const int MarginBottom = 1134; // 20 mm
    private const int MarginLeft = 1701; // 30 mm
    private const int MarginRight = 850; // 15 mm
    private const int TextWidth = PageWidth - MarginLeft - MarginRight; // 9355
    private const int FirstLineIndent = 720; // 1.27 cm
    private const int BodySize = 28; // 14 pt in half-points
    private const int LeftHeadWidth = 3650; // about 40 % of the text width
    private const int RightHeadWidth = TextWidth - LeftHeadWidth;

    private static readonly CultureInfo Vietnamese = CultureInfo.GetCultureInfo("vi-VN");
    private static readonly TimeSpan VietnamOffset = TimeSpan.FromHours(7);

    /// <summary>The minutes of a council session.</summary>
    public static byte[] Minutes(CouncilMinutes minutes)
    {
        ArgumentNullException.ThrowIfNull(minutes);
        var body = new List<OpenXmlElement> { LetterheadTable(minutes.Letterhead) };

        body.Add(Centered("BIÊN BẢN", bold: true, before: 360));
        body.Add(Centered(minutes.SessionTitle, bold: true, before: 0));
        body.Add(Rule(TextWidth / 4, TextWidth / 4 * 3 / 2));

        body.Add(Heading("I. THỜI GIAN, ĐỊA ĐIỂM"));
        body.Add(Body(Plain("Thời gian: Phiên họp bắt đầu lúc "), Plain(TimeText(minutes.OpenedAt)), Plain(".")));
        body.Add(Body(Plain("Địa điểm: "), Plain(WithEnd(minutes.Venue, '.'))));

        body.Add(Heading("II. THÀNH PHẦN"));
        body.Add(Body(Plain("Chủ trì: "), Plain(WithEnd(minutes.ChairName, '.'))));
        body.Add(Body(Plain("Thư ký: "), Plain(WithEnd(minutes.SecretaryName, '.'))));
        body.Add(Body(Plain("Thành viên Hội đồng:")));
        if (minutes.Attendees.Count == 0)
        {
            body.Add(Body(Plain("Không có thành viên nào được ghi nhận.")));
        }
        else
        {
            body.Add(AttendeesTable(minutes.Attendees));
            body.Add(Body(Plain(AttendanceCount(minutes.Attendees))));
        }

        body.Add(Heading("III. NỘI DUNG"));
        body.Add(Body(Bold("1. Các báo cáo được trình bày tại phiên họp")));
        if (minutes.ReportsPresented.Count == 0)
        {
            body.Add(Body(Plain("Không có báo cáo nào được trình bày.")));
        }
        else
        {
            for (var i = 0; i < minutes.ReportsPresented.Count; i++)
            {
                var end = i == minutes.ReportsPresented.Count - 1 ? '.' : ';';
                body.Add(Body(Plain(Number(i + 1) + ". "), Plain(WithEnd(minutes.ReportsPresented[i], end))));
            }
        }

        body.Add(Body(Bold("2. Quy tắc biểu quyết")));
        body.Add(Body(Plain(string.IsNullOrWhiteSpace(minutes.RulesText) ? "Không ghi nhận." : minutes.RulesText)));

        body.Add(Heading("IV. KẾT QUẢ BIỂU QUYẾT"));
        if (minutes.Dossiers.Count == 0)
        {
            body.Add(Body(Plain("Không có hồ sơ nào được đưa ra biểu quyết.")));
        }
        else
        {
            body.Add(VotesTable(minutes.Dossiers));
            foreach (var dossier in minutes.Dossiers)
            {
                body.AddRange(DossierNotes(dossier));
            }
        }

        body.Add(Heading("V. KẾT THÚC PHIÊN HỌP"));
        body.Add(minutes.ClosedAt is { } closed
            ? Body(Plain("Phiên họp kết thúc lúc "), Plain(TimeText(closed)), Plain("."))
            : Body(Plain("Phiên họp chưa kết thúc tại thời điểm lập biên bản.")));
        body.Add(Body(Plain("Biên bản được lập thành 02 bản có giá trị như nhau, đã được đọc lại cho các thành viên dự họp cùng nghe và thống nhất thông qua; một bản lưu tại Hội đồng, một bản gửi kèm hồ sơ trình Ủy ban nhân dân tỉnh./.")));

        body.Add(Spacer());
        body.Add(SignatureTable(
            [Centered("THƯ KÝ", bold: true, before: 0), .. EmptyLines(4), Centered(minutes.SecretaryName, bold: true, before: 0)],
            [Centered("CHỦ TỊCH HỘI ĐỒNG", bold: true, before: 0), .. EmptyLines(4), Centered(minutes.ChairName, bold: true, before: 0)],
            TextWidth / 2));

        return Package("Biên bản - " + Clean(minutes.SessionTitle), body);
    }

    /// <summary>The draft decision recognising the communes.</summary>
    public static byte[] Decision(DraftDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var year = Number(decision.Year);
        var recognised = RecognitionPhrase(decision.Tiers);
        var subject = "Về việc công nhận xã đạt chuẩn " + recognised + " năm " + year;
        var body = new List<OpenXmlElement> { LetterheadTable(decision.Letterhead) };

        body.Add(Centered("QUYẾT ĐỊNH", bold: true, before: 360));
        body.Add(Centered(subject, bold: true, before: 0));
        body.Add(Rule(TextWidth / 3, TextWidth / 3));
        body.Add(Centered("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH " + Upper(decision.ProvinceName), bold: true, before: 240));

        if (decision.Grounds.Count == 0)
        {
            body.Add(Body(Italic("Căn cứ …………………………………………………………….")));
        }
        else
        {
            for (var i = 0; i < decision.Grounds.Count; i++)
            {
                var end = i == decision.Grounds.Count - 1 ? '.' : ';';
                body.Add(Body(Italic(WithEnd(decision.Grounds[i], end))));
            }
        }

        body.Add(Centered("QUYẾT ĐỊNH:", bold: true, before: 240));
        body.Add(Body(Bold("Điều 1. "), Plain("Công nhận xã đạt chuẩn " + recognised + " năm " + year + " đối với các xã sau:")));

        var tiers = decision.Tiers.Where(t => t.Communes.Count > 0).ToList();
        if (tiers.Count == 0)
        {
            body.Add(Body(Plain("Không có xã nào được đề nghị công nhận.")));
        }

        for (var t = 0; t < tiers.Count; t++)
        {
            var tier = tiers[t];
            body.Add(Body(Bold(Number(t + 1) + ". "), Bold(WithEnd(tier.Heading, ':'))));
            if (tier.Communes.Any(c => !string.IsNullOrWhiteSpace(c.OutstandingField)) || IsModel(tier.Heading))
            {
                body.Add(ModelCommunesTable(tier.Communes));
            }
            else
            {
                for (var i = 0; i < tier.Communes.Count; i++)
                {
                    var end = i == tier.Communes.Count - 1 ? '.' : ';';
                    body.Add(Body(Plain(Number(i + 1) + ") "), Plain(WithEnd(tier.Communes[i].CommuneName, end))));
                }
            }
        }

        body.Add(Body(Bold("Điều 2. "), Plain(
            "Ủy ban nhân dân các xã có tên tại Điều 1 có trách nhiệm tiếp tục duy trì, nâng cao chất lượng các tiêu chí đã đạt được; "
            + "Văn phòng Điều phối nông thôn mới tỉnh có trách nhiệm theo dõi, hướng dẫn, kiểm tra việc duy trì và nâng cao kết quả xây dựng nông thôn mới của các xã.")));
        body.Add(Body(Bold("Điều 3. "), Plain(
            "Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân dân tỉnh, Thủ trưởng các sở, ban, ngành tỉnh, "
            + "Chủ tịch Ủy ban nhân dân các xã có tên tại Điều 1 và các tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./.")));

        var recipients = new List<OpenXmlElement> { Left(BoldItalic("Nơi nhận:", 24)) };
        recipients.AddRange(decision.Recipients.Select(r => Left(Plain("- " + WithEnd(r, ';'), 22))));
        recipients.Add(Left(Plain("- Lưu: VT.", 22)));

        var signer = decision.SignerTitle.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(line => (OpenXmlElement)Centered(Upper(line), bold: true, before: 0))
            .Concat(EmptyLines(4))
            .Append(string.IsNullOrWhiteSpace(decision.SignerName)
                ? Centered("", bold: true, before: 0)
                : Centered(decision.SignerName, bold: true, before: 0))
            .ToList();
        body.Add(Spacer());
        body.Add(SignatureTable(recipients, signer, TextWidth * 9 / 20));

        return Package("Quyết định v" + subject[1..], body);
    }

    // ——— Text ———

    /// <summary>"08 giờ 30 phút, ngày 24 tháng 11 năm 2026" in Vietnam time.</summary>
    internal static string TimeText(DateTimeOffset at)
    {
        var local = at.ToOffset(VietnamOffset);
        return local.Hour.ToString("00", CultureInfo.InvariantCulture) + " giờ "
            + local.Minute.ToString("00", CultureInfo.InvariantCulture) + " phút, "
            + DateText(DateOnly.FromDateTime(local.DateTime));
    }

    /// <summary>"ngày 05 tháng 02 năm 2026": days 1–9 and months 1–2 with a leading zero (Decree 30/2020, Appendix I).</summary>
    internal static string DateText(DateOnly date) =>
        "ngày " + date.Day.ToString("00", CultureInfo.InvariantCulture)
        + " tháng " + (date.Month <= 2 ? date.Month.ToString("00", CultureInfo.InvariantCulture) : Number(date.Month))
        + " năm " + Number(date.Year);

    internal static string PlaceAndDate(Letterhead letterhead) =>
        letterhead.Date is { } date
            ? letterhead.Place + ", " + DateText(date)
            : letterhead.Place + ", ngày      tháng      năm " + Number(letterhead.Year);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Upper(string text) => text.ToUpper(Vietnamese);

    /// <summary>The text with its closing punctuation replaced by <paramref name="end"/> (a list item ends with ';', the last with '.').</summary>
    private static string WithEnd(string text, char end)
    {
        var trimmed = text.TrimEnd().TrimEnd(';', '.', ',', ':').TrimEnd();
        return trimmed.EndsWith("./.", StringComparison.Ordinal) ? trimmed : trimmed + end;
    }

    private static bool IsModel(string heading) => heading.Contains("kiểu mẫu", StringComparison.OrdinalIgnoreCase);

    private static bool IsAdvanced(string heading) => heading.Contains("nâng cao", StringComparison.OrdinalIgnoreCase);

    /// <summary>"nông thôn mới", "nông thôn mới, nông thôn mới kiểu mẫu", …: only the tiers that name a commune.</summary>
    private static string RecognitionPhrase(IReadOnlyList<DecisionTier> tiers)
    {
        var present = tiers.Where(t => t.Communes.Count > 0).Select(t => t.Heading).ToList();
        var phrases = new List<string>();
        if (present.Count == 0 || present.Any(h => !IsModel(h) && !IsAdvanced(h)))
        {
            phrases.Add("nông thôn mới");
        }

        if (present.Any(IsAdvanced))
        {
            phrases.Add("nông thôn mới nâng cao");
        }

        if (present.Any(IsModel))
        {
            phrases.Add("nông thôn mới kiểu mẫu");
        }

        return string.Join(", ", phrases);
    }

    private static string AttendanceCount(IReadOnlyList<MinutesAttendee> attendees)
    {
        var present = attendees.Count(a => a.Attendance == AttendanceKind.Present);
        var written = attendees.Count(a => a.Attendance == AttendanceKind.WrittenVote);
        var absent = attendees.Count(a => a.Attendance == AttendanceKind.Absent);
        var text = new StringBuilder("Có mặt: ").Append(Number(present)).Append('/').Append(Number(attendees.Count)).Append(" thành viên");
        if (written > 0)
        {
            text.Append("; biểu quyết bằng văn bản: ").Append(Number(written)).Append(" thành viên");
        }

        if (absent > 0)
        {
            text.Append("; vắng mặt: ").Append(Number(absent)).Append(" thành viên");
        }

        return text.Append('.').ToString();
    }

    private static string AttendanceText(AttendanceKind kind) => kind switch
    {
        AttendanceKind.Present => "Có mặt",
        AttendanceKind.WrittenVote => "Biểu quyết bằng văn bản",
        _ => "Vắng mặt",
    };

    /// <summary>Drops characters XML 1.0 cannot carry (control characters), which would otherwise fail the package.</summary>
    private static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (c is '\t' or '\n' or '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    // ——— Runs and paragraphs ———

    private static Run Plain(string? text, int size = 0) => TextRun(text, bold: false, italic: false, size);

    private static Run Bold(string? text, int size = 0) => TextRun(text, bold: true, italic: false, size);

    private static Run Italic(string? text, int size = 0) => TextRun(text, bold: false, italic: true, size);

    private static Run BoldItalic(string? text, int size = 0) => TextRun(text, bold: true, italic: true, size);

    /// <summary>A run of plain text: line breaks in the data become breaks, everything else is text.</summary>
    private static Run TextRun(string? text, bool bold, bool italic, int size)
    {
        var properties = new RunProperties();
        if (bold)
        {
            properties.Bold = new Bold();
            properties.BoldComplexScript = new BoldComplexScript();
        }

        if (italic)
        {
            properties.Italic = new Italic();
            properties.ItalicComplexScript = new ItalicComplexScript();
        }

        if (size > 0)
        {
            properties.FontSize = new FontSize { Val = Number(size) };
            properties.FontSizeComplexScript = new FontSizeComplexScript { Val = Number(size) };
        }

        properties.Languages = new Languages { Val = Language };
        var run = new Run(properties);
        var lines = Clean(text).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0)
            {
                run.Append(new Break());
            }

            run.Append(new Text(lines[i]) { Space = SpaceProcessingModeValues.Preserve });
        }

        return run;
    }

    private static ParagraphProperties Properties(JustificationValues justification, int before, int after, int firstLine = 0)
    {
        var properties = new ParagraphProperties
        {
            SpacingBetweenLines = new SpacingBetweenLines
            {
                Before = Number(before),
                After = Number(after),
                Line = "240",
                LineRule = LineSpacingRuleValues.Auto,
            },
            Justification = new Justification { Val = justification },
        };
        if (firstLine > 0)
        {
            properties.Indentation = new Indentation { FirstLine = Number(firstLine) };
        }

        return properties;
    }

    /// <summary>A body paragraph: justified, first line indented 1.27 cm, 6 pt before.</summary>
    private static Paragraph Body(params Run[] runs) =>
        new([Properties(JustificationValues.Both, before: 120, after: 0, firstLine: FirstLineIndent), .. runs]);

    private static Paragraph Heading(string text) =>
        new(Properties(JustificationValues.Both, before: 240, after: 0, firstLine: FirstLineIndent), Bold(text));

    private static Paragraph Centered(string? text, bool bold, int before, int size = 0) =>
        new(Properties(JustificationValues.Center, before, after: 0), TextRun(text, bold, italic: false, size));

    private static Paragraph Left(Run run) => new(Properties(JustificationValues.Left, before: 0, after: 0), run);

    private static IEnumerable<Paragraph> EmptyLines(int count) =>
        Enumerable.Range(0, count).Select(_ => new Paragraph(Properties(JustificationValues.Center, before: 0, after: 0)));

    /// <summary>A short centred horizontal rule: an empty, low paragraph with a bottom border, indented to the rule's width.</summary>
    private static Paragraph Rule(int indentLeft, int indentRight)
    {
        var properties = new ParagraphProperties
        {
            ParagraphBorders = new ParagraphBorders(new BottomBorder { Val = BorderValues.Single, Size = 6, Space = 1, Color = "000000" }),
            SpacingBetweenLines = new SpacingBetweenLines { Before = "0", After = "0", Line = "60", LineRule = LineSpacingRuleValues.Exact },
            Indentation = new Indentation { Left = Number(indentLeft), Right = Number(indentRight) },
            Justification = new Justification { Val = JustificationValues.Center },
            ParagraphMarkRunProperties = new ParagraphMarkRunProperties(new FontSize { Val = "4" }, new FontSizeComplexScript { Val = "4" }),
        };
        return new Paragraph(properties);
    }

    // ——— Tables ———

    private static Table NewTable(int[] widths, bool borders)
    {
        var properties = new TableProperties
        {
            TableWidth = new TableWidth { Width = Number(widths.Sum()), Type = TableWidthUnitValues.Dxa },
            TableLayout = new TableLayout { Type = TableLayoutValues.Fixed },
            TableCellMarginDefault = new TableCellMarginDefault(
                new TableCellLeftMargin { Width = 60, Type = TableWidthValues.Dxa },
                new TableCellRightMargin { Width = 60, Type = TableWidthValues.Dxa }),
        };
        if (borders)
        {
            properties.TableBorders = new TableBorders(
                new TopBorder { Val = BorderValues.Single, Size = 4, Space = 0, Color = "000000" },
                new LeftBorder { Val = BorderValues.Single, Size = 4, Space = 0, Color = "000000" },
                new BottomBorder { Val = BorderValues.Single, Size = 4, Space = 0, Color = "000000" },
                new RightBorder { Val = BorderValues.Single, Size = 4, Space = 0, Color = "000000" },
                new InsideHorizontalBorder { Val = BorderValues.Single, Size = 4, Space = 0, Color = "000000" },
                new InsideVerticalBorder { Val = BorderValues.Single, Size = 4, Space = 0, Color = "000000" });
            properties.TableJustification = new TableJustification { Val = TableRowAlignmentValues.Center };
        }

        return new Table(properties, new TableGrid(widths.Select(w => new GridColumn { Width = Number(w) })));
    }

    private static TableCell Cell(int width, IEnumerable<OpenXmlElement> content)
    {
        var cell = new TableCell(new TableCellProperties
        {
            TableCellWidth = new TableCellWidth { Width = Number(width), Type = TableWidthUnitValues.Dxa },
            TableCellVerticalAlignment = new TableCellVerticalAlignment { Val = TableVerticalAlignmentValues.Top },
        });
        cell.Append(content);
        if (cell.LastChild is not Paragraph)
        {
            cell.Append(new Paragraph());
        }

        return cell;
    }

    /// <summary>A cell of a data table: one compact paragraph of <paramref name="size"/> half-points.</summary>
    private static TableCell DataCell(int width, string? text, int size, bool bold = false, JustificationValues? justification = null) =>
        Cell(width, [new Paragraph(Properties(justification ?? JustificationValues.Center, before: 20, after: 20), TextRun(text, bold, italic: false, size))]);

    private static TableRow HeaderRow(int[] widths, string[] titles, int size)
    {
        var row = new TableRow(new TableRowProperties(new CantSplit(), new TableHeader()));
        for (var i = 0; i < widths.Length; i++)
        {
            row.Append(DataCell(widths[i], titles[i], size, bold: true));
        }

        return row;
    }

    /// <summary>The letterhead: parent and issuing body with the number on the left, the national name, motto and date on the right.</summary>
    private static Table LetterheadTable(Letterhead head)
    {
        const int size13 = 26;
        var left = new List<OpenXmlElement>();
        if (!string.IsNullOrWhiteSpace(head.ParentBody))
        {
            left.Add(Centered(Upper(head.ParentBody), bold: false, before: 0, size13));
        }

        left.Add(Centered(Upper(head.IssuingBody), bold: true, before: 0, size13));
        left.Add(Rule(LeftHeadWidth / 3, LeftHeadWidth / 3));

        var motto = "Độc lập - Tự do - Hạnh phúc";
        var right = new List<OpenXmlElement>
        {
            Centered("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold: true, before: 0, size: 24),
            Centered(motto, bold: true, before: 0, size: BodySize),
            Rule(1100, 1100), // about the width of the motto line at 14 pt bold
        };

        var number = new Paragraph(Properties(JustificationValues.Center, before: 120, after: 0), Plain("Số: ", size13), Plain(head.NumberAndSymbol, size13));
        var date = new Paragraph(Properties(JustificationValues.Center, before: 120, after: 0), Italic(PlaceAndDate(head), BodySize));

        var table = NewTable([LeftHeadWidth, RightHeadWidth], borders: false);
        table.Append(
            new TableRow(Cell(LeftHeadWidth, left), Cell(RightHeadWidth, right)),
            new TableRow(Cell(LeftHeadWidth, [number]), Cell(RightHeadWidth, [date])));
        return table;
    }

    private static Table AttendeesTable(IReadOnlyList<MinutesAttendee> attendees)
    {
        const int size = 24;
        int[] widths = [700, 2300, 2100, 2755, 1500];
        var table = NewTable(widths, borders: true);
        table.Append(HeaderRow(widths, ["STT", "Họ và tên", "Chức danh trong Hội đồng", "Chức vụ", "Tham dự"], size));
        for (var i = 0; i < attendees.Count; i++)
        {
            var a = attendees[i];
            table.Append(new TableRow(
                DataCell(widths[0], Number(i + 1), size),
                DataCell(widths[1], a.FullName, size, justification: JustificationValues.Left),
                DataCell(widths[2], a.Position, size, justification: JustificationValues.Left),
                DataCell(widths[3], a.Title ?? "", size, justification: JustificationValues.Left),
                DataCell(widths[4], AttendanceText(a.Attendance), size)));
        }

        return table;
    }

    private static Table VotesTable(IReadOnlyList<MinutesDossier> dossiers)
    {
        const int size = 20;
        int[] widths = [520, 950, 1100, 850, 750, 650, 720, 700, 800, 650, 700, 965];
        var table = NewTable(widths, borders: true);
        table.Append(HeaderRow(widths,
            ["STT", "Mã hồ sơ", "Xã", "Hạng", "Thành viên tham dự / đương nhiệm", "Đồng ý", "Không đồng ý", "Phiếu trắng",
             "Không biểu quyết (xung đột lợi ích)", "Cơ sở tính tỷ lệ", "Cần đồng ý tối thiểu", "Kết quả"], size));
        foreach (var d in dossiers)
        {
            table.Append(new TableRow(
                DataCell(widths[0], Number(d.Order), size),
                DataCell(widths[1], d.DossierCode, size),
                DataCell(widths[2], d.CommuneName, size, justification: JustificationValues.Left),
                DataCell(widths[3], d.TierText, size),
                DataCell(widths[4], Number(d.Attending) + "/" + Number(d.MembersInForce), size),
                DataCell(widths[5], Number(d.Agree), size),
                DataCell(widths[6], Number(d.Disagree), size),
                DataCell(widths[7], Number(d.Abstain), size),
                DataCell(widths[8], Number(d.Recused), size),
                DataCell(widths[9], Number(d.ApprovalBase), size),
                DataCell(widths[10], Number(d.AgreeNeeded), size),
                DataCell(widths[11], d.OutcomeText, size, bold: d.Passed)));
        }

        return table;
    }

    /// <summary>Under the table: the quorum or written votes of a dossier when they need saying, then its dissents.</summary>
    private static IEnumerable<Paragraph> DossierNotes(MinutesDossier d)
    {
        if (!d.QuorumMet)
        {
            yield return Body(Italic("Hồ sơ " + d.DossierCode + " – " + d.CommuneName + ": không đủ số thành viên tham dự theo quy định ("
                + Number(d.Attending) + "/" + Number(d.MembersInForce) + " thành viên)."));
        }

        if (d.WrittenVotes > 0)
        {
            yield return Body(Italic("Hồ sơ " + d.DossierCode + " – " + d.CommuneName + ": có " + Number(d.WrittenVotes) + " phiếu biểu quyết bằng văn bản."));
        }

        if (d.Dissents.Count == 0)
        {
            yield break;
        }

        yield return Body(Bold("Ý kiến không đồng ý – " + d.CommuneName + ":"));
        foreach (var dissent in d.Dissents)
        {
            var line = dissent.MemberName + ": " + WithEnd(dissent.Choice, '.');
            if (!string.IsNullOrWhiteSpace(dissent.Reason))
            {
                line += " Lý do: " + WithEnd(dissent.Reason, '.');
            }

            yield return Body(Plain("- " + line));
        }
    }

    private static Table ModelCommunesTable(IReadOnlyList<DecisionCommune> communes)
    {
        const int size = 26;
        int[] widths = [900, 4000, 4000];
        var table = NewTable(widths, borders: true);
        table.Append(HeaderRow(widths, ["STT", "Tên xã", "Lĩnh vực nổi trội"], size));
        for (var i = 0; i < communes.Count; i++)
        {
            table.Append(new TableRow(
                DataCell(widths[0], Number(i + 1), size),
                DataCell(widths[1], communes[i].CommuneName, size, justification: JustificationValues.Left),
                DataCell(widths[2], communes[i].OutstandingField ?? "", size, justification: JustificationValues.Left)));
        }

        return table;
    }

    private static Table SignatureTable(IEnumerable<OpenXmlElement> left, IEnumerable<OpenXmlElement> right, int leftWidth)
    {
        var table = NewTable([leftWidth, TextWidth - leftWidth], borders: false);
        table.Append(new TableRow(new TableRowProperties(new CantSplit()), Cell(leftWidth, left), Cell(TextWidth - leftWidth, right)));
        return table;
    }

    /// <summary>A blank line between the last article and the signature block.</summary>
    private static Paragraph Spacer() => new(Properties(JustificationValues.Left, before: 0, after: 0));

    // ——— Package ———

    private static byte[] Package(string title, List<OpenXmlElement> content)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            main.AddNewPart<StyleDefinitionsPart>().Styles = Styles();

            var body = new DocumentFormat.OpenXml.Wordprocessing.Body();
            body.Append(content);
            body.Append(new SectionProperties(
                new PageSize { Width = PageWidth, Height = PageHeight, Orient = PageOrientationValues.Portrait },
                new PageMargin
                {
                    Top = MarginTop, Bottom = MarginBottom, Left = MarginLeft, Right = MarginRight,
                    Header = 567, Footer = 567, Gutter = 0,
                }));
            main.Document = new Document(body);

            document.PackageProperties.Title = Clean(title);
            document.PackageProperties.Creator = "NtmWorkflow";
            document.PackageProperties.Language = Language;
        }

        return stream.ToArray();
    }

    /// <summary>Times New Roman 14 pt for every script, Vietnamese, single spacing, 6 pt before: Decree 30's body text.</summary>
    private static Styles Styles()
    {
        static RunFonts Fonts() => new() { Ascii = Font, HighAnsi = Font, EastAsia = Font, ComplexScript = Font };

        var defaults = new DocDefaults(
            new RunPropertiesDefault(new RunPropertiesBaseStyle(
                Fonts(),
                new FontSize { Val = Number(BodySize) },
                new FontSizeComplexScript { Val = Number(BodySize) },
                new Languages { Val = Language, EastAsia = Language, Bidi = Language })),
            new ParagraphPropertiesDefault(new ParagraphPropertiesBaseStyle(
                new SpacingBetweenLines { Before = "120", After = "0", Line = "240", LineRule = LineSpacingRuleValues.Auto })));

        var normal = new Style(
            new StyleName { Val = "Normal" },
            new PrimaryStyle(),
            new StyleRunProperties(Fonts(), new FontSize { Val = Number(BodySize) }, new FontSizeComplexScript { Val = Number(BodySize) }))
        {
            Type = StyleValues.Paragraph,
            StyleId = "Normal",
            Default = true,
        };

        var normalTable = new Style(
            new StyleName { Val = "Normal Table" },
            new UIPriority { Val = 99 },
            new SemiHidden(),
            new UnhideWhenUsed(),
            new StyleTableProperties(
                new TableIndentation { Width = 0, Type = TableWidthUnitValues.Dxa },
                new TableCellMarginDefault(
                    new TopMargin { Width = "0", Type = TableWidthUnitValues.Dxa },
                    new TableCellLeftMargin { Width = 108, Type = TableWidthValues.Dxa },
                    new BottomMargin { Width = "0", Type = TableWidthUnitValues.Dxa },
                    new TableCellRightMargin { Width = 108, Type = TableWidthValues.Dxa })))
        {
            Type = StyleValues.Table,
            StyleId = "TableNormal",
            Default = true,
        };

        return new Styles(defaults, normal, normalTable);
    }
}

using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace NtmWorkflow.Web.Features.Documents;

/// <summary>The block at the top of an administrative document (Decree 30/2020, Appendix I).</summary>
/// <param name="ParentBody">The governing body (cơ quan chủ quản), e.g. "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ", printed upright; null when there is none.</param>
/// <param name="IssuingBody">The issuing body, e.g. "HỘI ĐỒNG THẨM ĐỊNH", printed bold with a short rule under it.</param>
/// <param name="NumberAndSymbol">The text after "Số: ", e.g. "12/BB-HĐTĐ", or "     /QĐ-UBND" for a draft (number left blank).</param>
/// <param name="Place">The place name of the date line, e.g. "Phú Thọ".</param>
/// <param name="Date">The date of the document; null prints blanks for day and month, with <paramref name="Year"/>.</param>
/// <param name="Year">The year printed when <paramref name="Date"/> is null.</param>
public sealed record Letterhead(string? ParentBody, string IssuingBody, string NumberAndSymbol, string Place, DateOnly? Date, int Year);

/// <summary>
/// The parts of an administrative document in the Decree 30/2020 layout (A4, Times New Roman 14 pt, the letterhead
/// of Appendix I): shared by the council's minutes and decision and the coordination office's reports, so they look alike.
/// Every text the data gives is written as text (escaped by the SDK), never as markup.
/// </summary>
internal static class OfficialDocument
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    internal const string Font = "Times New Roman";
    internal const string Language = "vi-VN";
    internal const int PageWidth = 11906;
    internal const int PageHeight = 16838;
    internal const int MarginTop = 1134; // 20 mm
    internal const int MarginBottom = 1134; // 20 mm
    internal const int MarginLeft = 1701; // 30 mm
    internal const int MarginRight = 850; // 15 mm
    internal const int TextWidth = PageWidth - MarginLeft - MarginRight; // 9355
    internal const int FirstLineIndent = 720; // 1.27 cm
    internal const int BodySize = 28; // 14 pt in half-points
    internal const int LeftHeadWidth = 3650; // about 40 % of the text width
    internal const int RightHeadWidth = TextWidth - LeftHeadWidth;

    internal static readonly CultureInfo Vietnamese = CultureInfo.GetCultureInfo("vi-VN");
    internal static readonly TimeSpan VietnamOffset = TimeSpan.FromHours(7);

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

    internal static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    internal static string Upper(string text) => text.ToUpper(Vietnamese);

    /// <summary>The text with its closing punctuation replaced by <paramref name="end"/> (a list item ends with ';', the last with '.').</summary>
    internal static string WithEnd(string text, char end)
    {
        var trimmed = text.TrimEnd().TrimEnd(';', '.', ',', ':').TrimEnd();
        return trimmed.EndsWith("./.", StringComparison.Ordinal) ? trimmed : trimmed + end;
    }

    /// <summary>Drops characters XML 1.0 cannot carry (control characters), which would otherwise fail the package.</summary>
    internal static string Clean(string? text)
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

    internal static Run Plain(string? text, int size = 0) => TextRun(text, bold: false, italic: false, size);

    internal static Run Bold(string? text, int size = 0) => TextRun(text, bold: true, italic: false, size);

    internal static Run Italic(string? text, int size = 0) => TextRun(text, bold: false, italic: true, size);

    internal static Run BoldItalic(string? text, int size = 0) => TextRun(text, bold: true, italic: true, size);

    /// <summary>A run of plain text: line breaks in the data become breaks, everything else is text.</summary>
    internal static Run TextRun(string? text, bool bold, bool italic, int size)
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

    internal static ParagraphProperties Properties(JustificationValues justification, int before, int after, int firstLine = 0)
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
    internal static Paragraph Body(params Run[] runs) =>
        new([Properties(JustificationValues.Both, before: 120, after: 0, firstLine: FirstLineIndent), .. runs]);

    internal static Paragraph Heading(string text) =>
        new(Properties(JustificationValues.Both, before: 240, after: 0, firstLine: FirstLineIndent), Bold(text));

    internal static Paragraph Centered(string? text, bool bold, int before, int size = 0) =>
        new(Properties(JustificationValues.Center, before, after: 0), TextRun(text, bold, italic: false, size));

    internal static Paragraph Left(Run run) => new(Properties(JustificationValues.Left, before: 0, after: 0), run);

    internal static IEnumerable<Paragraph> EmptyLines(int count) =>
        Enumerable.Range(0, count).Select(_ => new Paragraph(Properties(JustificationValues.Center, before: 0, after: 0)));

    /// <summary>A short centred horizontal rule: an empty, low paragraph with a bottom border, indented to the rule's width.</summary>
    internal static Paragraph Rule(int indentLeft, int indentRight)
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

    internal static Table NewTable(int[] widths, bool borders)
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

    internal static TableCell Cell(int width, IEnumerable<OpenXmlElement> content)
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
    internal static TableCell DataCell(int width, string? text, int size, bool bold = false, JustificationValues? justification = null) =>
        Cell(width, [new Paragraph(Properties(justification ?? JustificationValues.Center, before: 20, after: 20), TextRun(text, bold, italic: false, size))]);

    internal static TableRow HeaderRow(int[] widths, string[] titles, int size)
    {
        var row = new TableRow(new TableRowProperties(new CantSplit(), new TableHeader()));
        for (var i = 0; i < widths.Length; i++)
        {
            row.Append(DataCell(widths[i], titles[i], size, bold: true));
        }

        return row;
    }

    /// <summary>The letterhead: parent and issuing body with the number on the left, the national name, motto and date on the right.</summary>
    internal static Table LetterheadTable(Letterhead head)
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

    internal static Table SignatureTable(IEnumerable<OpenXmlElement> left, IEnumerable<OpenXmlElement> right, int leftWidth)
    {
        var table = NewTable([leftWidth, TextWidth - leftWidth], borders: false);
        table.Append(new TableRow(new TableRowProperties(new CantSplit()), Cell(leftWidth, left), Cell(TextWidth - leftWidth, right)));
        return table;
    }

    /// <summary>A blank line between the last article and the signature block.</summary>
    internal static Paragraph Spacer() => new(Properties(JustificationValues.Left, before: 0, after: 0));

    // ——— Package ———

    internal static byte[] Package(string title, List<OpenXmlElement> content)
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

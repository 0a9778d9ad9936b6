using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace NtmWorkflow.Web.Features.Evidence;

/// <summary>A kind of document accepted as evidence: what its content is, its media type, and the names it may carry.</summary>
public sealed record DocumentKind(string Name, string ContentType, IReadOnlyList<string> Extensions)
{
    /// <summary>Opened by the browser itself (PDF viewer, images), so it may be shown inline rather than downloaded.</summary>
    public bool ShownInline => ContentType is "application/pdf" or "image/png" or "image/jpeg" or "image/webp";
}

/// <summary>
/// Decides what an uploaded file is from its bytes, never from its name: PDF, images (PNG, JPEG, TIFF, WebP) and
/// Office documents (Word, Excel, PowerPoint, OpenDocument, and the 97–2003 formats). Anything else — archives,
/// programs, scripts, HTML, SVG, macro-enabled Office files — is refused. Office files are ZIP packages: only
/// their directory is read, to tell a document from an archive; nothing is ever unpacked.
/// </summary>
public static class DocumentContent
{
    /// <summary>How many leading bytes <see cref="SniffHead"/> needs.</summary>
    public const int HeadBytes = 1024;

    public static readonly DocumentKind Pdf = new("PDF", "application/pdf", [".pdf"]);
    public static readonly DocumentKind Png = new("PNG", "image/png", [".png"]);
    public static readonly DocumentKind Jpeg = new("JPEG", "image/jpeg", [".jpg", ".jpeg"]);
    public static readonly DocumentKind Tiff = new("TIFF", "image/tiff", [".tif", ".tiff"]);
    public static readonly DocumentKind WebP = new("WebP", "image/webp", [".webp"]);
    public static readonly DocumentKind Docx = new("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", [".docx"]);
    public static readonly DocumentKind Xlsx = new("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [".xlsx"]);
    public static readonly DocumentKind Pptx = new("PowerPoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation", [".pptx"]);
    public static readonly DocumentKind Odt = new("OpenDocument Text", "application/vnd.oasis.opendocument.text", [".odt"]);
    public static readonly DocumentKind Ods = new("OpenDocument Spreadsheet", "application/vnd.oasis.opendocument.spreadsheet", [".ods"]);
    public static readonly DocumentKind Doc = new("Word 97–2003", "application/msword", [".doc"]);
    public static readonly DocumentKind Xls = new("Excel 97–2003", "application/vnd.ms-excel", [".xls"]);
    public static readonly DocumentKind Ppt = new("PowerPoint 97–2003", "application/vnd.ms-powerpoint", [".ppt"]);

    public static readonly IReadOnlyList<DocumentKind> Accepted = [Pdf, Png, Jpeg, Tiff, WebP, Docx, Xlsx, Pptx, Odt, Ods, Doc, Xls, Ppt];

    /// <summary>The accepted name endings, for the file picker's hint and for messages.</summary>
    public static string AcceptedExtensions => string.Join(",", Accepted.SelectMany(k => k.Extensions));

    private static readonly byte[] OleSignature = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    private static readonly byte[] ZipSignature = "PK\u0003\u0004"u8.ToArray();

    /// <summary>
    /// What the first bytes say. Returns the kind for files recognisable from their head alone, <see cref="SniffResult.NeedsPackageCheck"/>
    /// true for ZIP packages (Office documents or archives: <see cref="SniffPackage"/> decides), or a refusal.
    /// </summary>
    public static SniffResult SniffHead(ReadOnlySpan<byte> head, string fileName)
    {
        // A PDF's header may follow a few bytes of scanner junk; readers look within the first kilobyte.
        if (head[..Math.Min(head.Length, HeadBytes)].IndexOf("%PDF-"u8) >= 0)
        {
            return SniffResult.Of(Pdf);
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return SniffResult.Of(Png);
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return SniffResult.Of(Jpeg);
        }

        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8))
        {
            return SniffResult.Of(Tiff);
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return SniffResult.Of(WebP);
        }

        if (head.StartsWith(OleSignature))
        {
            // The 97–2003 formats share one container; which of the three it is, the name says (the content agrees or Office refuses it).
            var extension = Path.GetExtension(fileName).ToLowerInvariant();
            return new[] { Doc, Xls, Ppt }.FirstOrDefault(k => k.Extensions.Contains(extension)) is { } legacy
                ? SniffResult.Of(legacy)
                : SniffResult.Refused($"The file is an Office 97–2003 document but its name ends in '{extension}', not .doc, .xls or .ppt.");
        }

        if (head.StartsWith(ZipSignature))
        {
            return new SniffResult(null, null, NeedsPackageCheck: true);
        }

        return SniffResult.Refused(Describe(head));
    }

    /// <summary>Tells an Office or OpenDocument package from any other ZIP file by its directory; refuses macros and archives.</summary>
    public static SniffResult SniffPackage(Stream seekable)
    {
        try
        {
            using var zip = new ZipArchive(seekable, ZipArchiveMode.Read, leaveOpen: true);
            var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.OrdinalIgnoreCase);
            if (names.Any(n => n.EndsWith("vbaProject.bin", StringComparison.OrdinalIgnoreCase)))
            {
                return SniffResult.Refused("The Office document contains macros; save it without macros (.docx, .xlsx, .pptx) and upload it again.");
            }

            if (names.Contains("[Content_Types].xml"))
            {
                if (names.Any(n => n.StartsWith("word/", StringComparison.OrdinalIgnoreCase)))
                {
                    return SniffResult.Of(Docx);
                }

                if (names.Any(n => n.StartsWith("xl/", StringComparison.OrdinalIgnoreCase)))
                {
                    return SniffResult.Of(Xlsx);
                }

                if (names.Any(n => n.StartsWith("ppt/", StringComparison.OrdinalIgnoreCase)))
                {
                    return SniffResult.Of(Pptx);
                }
            }

            if (zip.GetEntry("mimetype") is { Length: < 200 } mimetype)
            {
                using var reader = new StreamReader(mimetype.Open(), Encoding.ASCII);
                var declared = reader.ReadToEnd().Trim();
                if (new[] { Odt, Ods }.FirstOrDefault(k => k.ContentType == declared) is { } open)
                {
                    return SniffResult.Of(open);
                }
            }

            return SniffResult.Refused("The file is a ZIP archive. Archives are not accepted: upload each document on its own.");
        }
        catch (InvalidDataException)
        {
            return SniffResult.Refused("The file starts like a ZIP package but is damaged or incomplete.");
        }
    }

    /// <summary>
    /// A name safe to show and to send in Content-Disposition: the last path segment only, no control or reserved
    /// characters, Unicode composed (Vietnamese diacritics typed on different systems compare equal), at most 200
    /// characters, ending in the kind's extension (a PNG named ".pdf" becomes ".png").
    /// </summary>
    public static string SafeFileName(string? name, DocumentKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var text = (name ?? string.Empty).Replace('\\', '/');
        text = text[(text.LastIndexOf('/') + 1)..].Normalize(NormalizationForm.FormC);
        var kept = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            kept.Append(char.IsControl(c) || "<>:\"|?*".Contains(c, StringComparison.Ordinal) || char.GetUnicodeCategory(c) == UnicodeCategory.Format ? '_' : c);
        }

        var stem = Path.GetFileNameWithoutExtension(kept.ToString()).Trim().Trim('.').Trim();
        var extension = Path.GetExtension(kept.ToString()).ToLowerInvariant();
        if (!kind.Extensions.Contains(extension))
        {
            extension = kind.Extensions[0];
        }

        if (stem.Length == 0)
        {
            stem = "tai-lieu";
        }

        return (stem.Length > 190 ? stem[..190].TrimEnd() : stem) + extension;
    }

    private static string Describe(ReadOnlySpan<byte> head)
    {
        var what = head switch
        {
            _ when head.StartsWith("MZ"u8) || head.StartsWith("\u007fELF"u8) => "a program",
            _ when head.StartsWith("Rar!"u8) || head.StartsWith("7z"u8) || head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]) => "an archive",
            _ when LooksLikeText(head) => "text, HTML, SVG or a script",
            _ => "of a kind not accepted",
        };
        return $"The file is {what}. Accepted are PDF, images (PNG, JPEG, TIFF, WebP) and Office documents ({AcceptedExtensions}).";
    }

    private static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        var sample = head[..Math.Min(head.Length, 512)];
        return sample.Length > 0 && !sample.Contains((byte)0);
    }
}

/// <summary>What sniffing found: a kind, a reason for refusal, or that the ZIP directory must be read first.</summary>
public sealed record SniffResult(DocumentKind? Kind, string? Refusal, bool NeedsPackageCheck = false)
{
    public static SniffResult Of(DocumentKind kind) => new(kind, null);

    public static SniffResult Refused(string reason) => new(null, reason);
}

using System.IO.Compression;
using System.Text;
using NtmWorkflow.Web.Features.Evidence;

namespace NtmWorkflow.Web.Tests.Documents;

/// <summary>What an uploaded file is, from its bytes: accepted kinds recognised, everything else refused with a reason.</summary>
public sealed class DocumentContentTests
{
    [Theory]
    [InlineData("%PDF-1.7\n%âãÏÓ", "x.pdf", "application/pdf")]
    [InlineData("\r\n\r\n%PDF-1.4 after scanner junk", "x.pdf", "application/pdf")]
    [InlineData("\u0089PNG\r\n\u001a\n....", "x.png", "image/png")]
    [InlineData("\u00ff\u00d8\u00ff\u00e0JFIF", "x.jpg", "image/jpeg")]
    [InlineData("II*\0tiff", "scan.tif", "image/tiff")]
    [InlineData("RIFF\u0010\0\0\0WEBPVP8 ", "x.webp", "image/webp")]
    [InlineData("\u00d0\u00cf\u0011\u00e0\u00a1\u00b1\u001a\u00e1word97", "to-trinh.doc", "application/msword")]
    [InlineData("\u00d0\u00cf\u0011\u00e0\u00a1\u00b1\u001a\u00e1excel97", "bang.XLS", "application/vnd.ms-excel")]
    public void Accepted_kinds_are_recognised_by_their_first_bytes(string head, string name, string contentType) =>
        Assert.Equal(contentType, DocumentContent.SniffHead(Latin1(head), name).Kind?.ContentType);

    [Theory]
    [InlineData("MZ\u0090\0", "a program")]
    [InlineData("\u007fELF\u0002", "a program")]
    [InlineData("Rar!\u001a\u0007", "an archive")]
    [InlineData("\u001f\u008b\b\0", "an archive")]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>", "text, HTML, SVG or a script")]
    [InlineData("<!doctype html><html>", "text, HTML, SVG or a script")]
    public void Programs_archives_and_markup_are_refused_whatever_their_name(string head, string what)
    {
        var result = DocumentContent.SniffHead(Latin1(head), "bao-cao.pdf");
        Assert.Null(result.Kind);
        Assert.Contains(what, result.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void An_office_97_container_needs_an_office_97_name() =>
        Assert.Contains(".doc, .xls or .ppt", DocumentContent.SniffHead(Latin1("\u00d0\u00cf\u0011\u00e0\u00a1\u00b1\u001a\u00e1"), "x.msi").Refusal, StringComparison.Ordinal);

    [Theory]
    [InlineData("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    [InlineData("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    [InlineData("ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation")]
    public void Office_packages_are_told_by_their_parts(string part, string contentType)
    {
        using var package = Zip(("[Content_Types].xml", "<Types/>"), (part, "<x/>"));
        Assert.True(DocumentContent.SniffHead(package.ToArray(), "x.zip").NeedsPackageCheck);
        Assert.Equal(contentType, DocumentContent.SniffPackage(package).Kind?.ContentType);
    }

    [Fact]
    public void An_opendocument_text_is_told_by_its_mimetype_entry()
    {
        using var package = Zip(("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<x/>"));
        Assert.Equal(DocumentContent.Odt, DocumentContent.SniffPackage(package).Kind);
    }

    [Fact]
    public void Archives_macros_and_damaged_packages_are_refused()
    {
        using var archive = Zip(("ho-so/anh1.jpg", "x"), ("ho-so/anh2.jpg", "y"));
        Assert.Contains("Archives are not accepted", DocumentContent.SniffPackage(archive).Refusal, StringComparison.Ordinal);
        using var macros = Zip(("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<x/>"), ("word/vbaProject.bin", "m"));
        Assert.Contains("macros", DocumentContent.SniffPackage(macros).Refusal, StringComparison.Ordinal);
        using var damaged = new MemoryStream(Latin1("PK\u0003\u0004 truncated"));
        Assert.Contains("damaged", DocumentContent.SniffPackage(damaged).Refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Biên bản.pdf", "Biên bản.pdf")]
    [InlineData("C:\\Users\\lan\\Desktop\\Báo cáo.pdf", "Báo cáo.pdf")]
    [InlineData("../../etc/passwd.pdf", "passwd.pdf")]
    [InlineData("a<b>:c\"d|e?f*g\u0007.pdf", "a_b__c_d_e_f_g_.pdf")]
    [InlineData("ảnh.PDF", "ảnh.pdf")]
    [InlineData("ảnh chụp.pdf.exe", "ảnh chụp.pdf.pdf")]
    [InlineData("...", "tai-lieu.pdf")]
    [InlineData("\u202Egnp.pdf", "_gnp.pdf")]
    public void Names_are_made_safe_and_end_in_what_the_content_is(string name, string safe) =>
        Assert.Equal(safe, DocumentContent.SafeFileName(name, DocumentContent.Pdf));

    [Fact]
    public void Decomposed_vietnamese_is_composed_so_names_compare_equal() =>
        Assert.Equal("Quyết định.pdf", DocumentContent.SafeFileName("Quyết định.pdf".Normalize(NormalizationForm.FormD), DocumentContent.Pdf));

    [Fact]
    public void A_png_named_pdf_keeps_its_name_with_the_png_ending() =>
        Assert.Equal("ảnh hiện trạng.png", DocumentContent.SafeFileName("ảnh hiện trạng.pdf", DocumentContent.Png));

    private static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    private static MemoryStream Zip(params (string Name, string Content)[] entries)
    {
        var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(content);
            }
        }

        memory.Position = 0;
        return memory;
    }
}

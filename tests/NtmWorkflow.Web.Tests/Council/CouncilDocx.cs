using System.Net;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using NtmWorkflow.Web.Features.Council;

namespace NtmWorkflow.Web.Tests.Council;

/// <summary>Reads a Word document the app served back as text: one line per paragraph, table cells included.</summary>
public static class CouncilDocx
{
    public static async Task<string> TextAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(CouncilDocuments.ContentType, response.Content.Headers.ContentType?.MediaType);
        return Text(await response.Content.ReadAsByteArrayAsync());
    }

    public static string Text(byte[] docx)
    {
        using var document = WordprocessingDocument.Open(new MemoryStream(docx), false);
        var text = new StringBuilder();
        foreach (var paragraph in document.MainDocumentPart!.Document!.Body!.Descendants<Paragraph>())
        {
            text.AppendLine(paragraph.InnerText);
        }

        return text.ToString();
    }
}

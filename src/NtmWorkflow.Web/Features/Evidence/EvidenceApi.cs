using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Infrastructure;

namespace NtmWorkflow.Web.Features.Evidence;

public sealed record EvidenceDocumentView(
    Guid Id, string? IndicatorNumber, string FileName, string ContentType, long Length, string Sha256, int Version, string UploadedBy, DateTimeOffset UploadedAt,
    string? WithdrawnBy, DateTimeOffset? WithdrawnAt);

/// <summary>
/// Evidence documents over HTTP, twice with the same handlers: under the dossier API (API key and acting official)
/// and under <c>/dossiers/{id}/documents</c> for our pages' scripts (the signed-in official, antiforgery token).
/// An upload is started, sent in parts (each part's offset in the route: a resent part is recognised) and completed;
/// a whole file may also be sent in one request. Every call first needs an official who may read the dossier.
/// </summary>
public static class EvidenceApi
{
    /// <summary>Maps the document routes on a group under <c>…/dossiers/{id}/documents</c> that already checks the reader.</summary>
    public static RouteGroupBuilder MapEvidenceApi(this RouteGroupBuilder documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        documents.MapGet("", List).WithSummary("The dossier's documents, every version, withdrawn ones included");
        documents.MapPost("", UploadWhole).RequireRateLimiting(RateLimits.Uploads).WithSummary("Uploads a whole file in one request (body: the bytes; query: fileName, indicator)");
        documents.MapPost("/uploads", Start).RequireRateLimiting(RateLimits.Uploads).WithSummary("Starts an upload in parts: name, size, optional SHA-256; answers the part size");
        documents.MapGet("/uploads/{uploadId:guid}", Status).WithSummary("Where an upload stands: the byte the next part starts at");
        documents.MapPut("/uploads/{uploadId:guid}/parts/{offset:long}", Append).WithSummary("Sends the part starting at this byte (body: the bytes)");
        documents.MapPost("/uploads/{uploadId:guid}/complete", Complete).WithSummary("Checks the arrived file (kind, size, SHA-256) and adds it to the dossier");
        documents.MapDelete("/uploads/{uploadId:guid}", Cancel).WithSummary("Abandons an upload");
        documents.MapGet("/{documentId:guid}", Download).WithSummary("The document's content, streamed");
        documents.MapPost("/{documentId:guid}/withdraw", Withdraw).WithSummary("Withdraws a document from the evidence (it stays in the record)");
        return documents;
    }

    /// <summary>The same routes for the pages' scripts and links: cookie sign-in, antiforgery on changes.</summary>
    public static IEndpointRouteBuilder MapEvidencePages(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/dossiers/{id:guid}/documents").ActAsSignedInOfficial().AddEndpointFilter<DossierApi.DossierProblemFilter>()
            .AddEndpointFilter(DossierApi.RequireReader).ExcludeFromDescription().MapEvidenceApi();
        return app;
    }

    public static async Task<Ok<List<EvidenceDocumentView>>> List(Guid id, EvidenceService evidence, CancellationToken ct) =>
        TypedResults.Ok((await evidence.ListAsync(id, ct)).Select(View).ToList());

    public static async Task<Created<EvidenceDocumentView>> UploadWhole(Guid id, string? fileName, string? indicator, HttpContext http, EvidenceService evidence, CancellationToken ct)
    {
        if (http.Request.ContentLength is not { } length)
        {
            throw new DossierException(411, "Length required", "Send the file's size in Content-Length.");
        }

        RaiseBodyLimit(http, length);
        var document = await evidence.UploadAsync(http.ActingOfficial(), id, indicator, fileName, length, http.Request.Body, ct);
        return TypedResults.Created(Location(http, id, document.Id), View(document));
    }

    public static async Task<Created<UploadState>> Start(Guid id, UploadStartRequest request, HttpContext http, EvidenceService evidence, CancellationToken ct)
    {
        var state = await evidence.StartAsync(http.ActingOfficial(), id, request, ct);
        return TypedResults.Created($"{http.Request.Path}/{state.UploadId}", state);
    }

    public static async Task<Ok<UploadState>> Status(Guid id, Guid uploadId, HttpContext http, EvidenceService evidence, CancellationToken ct) =>
        TypedResults.Ok(await evidence.StatusAsync(http.ActingOfficial(), id, uploadId, ct));

    public static async Task<Ok<UploadState>> Append(Guid id, Guid uploadId, long offset, HttpContext http, EvidenceService evidence, CancellationToken ct) =>
        TypedResults.Ok(await evidence.AppendAsync(http.ActingOfficial(), id, uploadId, offset, http.Request.Body, ct));

    public static async Task<Created<EvidenceDocumentView>> Complete(Guid id, Guid uploadId, HttpContext http, EvidenceService evidence, CancellationToken ct)
    {
        var document = await evidence.CompleteAsync(http.ActingOfficial(), id, uploadId, ct);
        return TypedResults.Created(Location(http, id, document.Id), View(document));
    }

    public static async Task<NoContent> Cancel(Guid id, Guid uploadId, HttpContext http, EvidenceService evidence, CancellationToken ct)
    {
        await evidence.CancelAsync(http.ActingOfficial(), id, uploadId, ct);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<EvidenceDocumentView>> Withdraw(Guid id, Guid documentId, HttpContext http, EvidenceService evidence, CancellationToken ct) =>
        TypedResults.Ok(View(await evidence.WithdrawAsync(http.ActingOfficial(), id, documentId, ct)));

    /// <summary>
    /// Streams the document with the kind found in its content. PDFs and images open in the browser unless
    /// <c>?download=true</c>; everything else is an attachment. The answer is sandboxed and never sniffed, so a
    /// document cannot run script on our origin.
    /// </summary>
    public static async Task<IResult> Download(Guid id, Guid documentId, bool? download, HttpContext http, EvidenceService evidence, CancellationToken ct)
    {
        if (await evidence.OpenAsync(id, documentId, ct) is not { } found)
        {
            return TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"The dossier has no document {documentId}.");
        }

        var (document, content) = found;
        http.Response.RegisterForDisposeAsync(content);
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        if (document.ContentType != DocumentContent.Pdf.ContentType)
        {
            // Chromium's PDF viewer does not run in a sandboxed document; PDFs are not HTML, and nosniff keeps them so.
            headers.ContentSecurityPolicy = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'";
        }

        headers.CacheControl = "private, max-age=0";
        var inline = download != true && DocumentContent.Accepted.FirstOrDefault(k => k.ContentType == document.ContentType) is { ShownInline: true };
        var disposition = new ContentDispositionHeaderValue(inline ? "inline" : "attachment");
        disposition.SetHttpFileName(document.FileName);
        headers.ContentDisposition = disposition.ToString();
        return TypedResults.Stream(content.Content, document.ContentType, entityTag: new EntityTagHeaderValue($"\"{document.Sha256}\""),
            lastModified: document.UploadedAt);
    }

    public static EvidenceDocumentView View(EvidenceDocumentRow d) =>
        new(d.Id, d.IndicatorNumber, d.FileName, d.ContentType, d.Length, d.Sha256, d.Version, d.UploadedBy, d.UploadedAt, d.WithdrawnBy, d.WithdrawnAt);

    private static string Location(HttpContext http, Guid id, Guid documentId) =>
        (http.Request.Path.StartsWithSegments("/api") ? "/api" : string.Empty) + $"/dossiers/{id}/documents/{documentId}";

    /// <summary>Kestrel's default 30 MB body limit would cut a whole-file upload below the documents' own limit, which the service checks.</summary>
    internal static void RaiseBodyLimit(HttpContext http, long length)
    {
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = Math.Max(length, limit.MaxRequestBodySize ?? 0);
        }
    }
}

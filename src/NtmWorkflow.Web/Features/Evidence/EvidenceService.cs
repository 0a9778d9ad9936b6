using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NtmWorkflow.Web.Features.Audit;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Organisation;
using NtmWorkflow.Web.Infrastructure.Documents;
using NtmWorkflow.Web.Persistence;

namespace NtmWorkflow.Web.Features.Evidence;

public sealed record UploadStartRequest(string? IndicatorNumber, string? FileName, long? Length, string? Sha256);

/// <summary>Where an upload stands: the client sends the part starting at <see cref="Received"/>, of <see cref="ChunkBytes"/> bytes (less for the last).</summary>
public sealed record UploadState(Guid UploadId, string? IndicatorNumber, string FileName, long Length, long Received, int ChunkBytes, DateTimeOffset ExpiresAt);

/// <summary>
/// Evidence documents: uploaded in parts that survive a dropped connection, checked on their content (kind, size,
/// SHA-256) before they become part of the dossier, versioned by name, withdrawn but never erased. Only the
/// commune's officer attaches documents to indicators while the dossier is with the commune (in a supplement, only
/// to the indicators sent back); an official holding an open step of the dossier may attach documents to the
/// dossier as a whole. Reading is for whoever may read the dossier (the callers check). Refusals are
/// <see cref="DossierException"/>s and leave nothing behind.
/// </summary>
public sealed class EvidenceService(AppDbContext db, DossierService dossiers, IDocumentStore store, IOptions<DocumentStorageOptions> options, TimeProvider clock)
{
    /// <summary>An upload untouched this long is dropped: a week, as long as Azure keeps uncommitted blocks.</summary>
    public static readonly TimeSpan UploadLifetime = TimeSpan.FromDays(7);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private DocumentStorageOptions Settings => options.Value;

    public async Task<UploadState> StartAsync(Official official, Guid dossierId, UploadStartRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var dossier = await dossiers.LoadAsync(dossierId, ct);
        var indicator = Normalise(request.IndicatorNumber);
        await MayAttachAsync(official, dossier, indicator, ct);
        if (string.IsNullOrWhiteSpace(request.FileName) || request.FileName.Length > 260)
        {
            throw Bad("fileName must have 1 to 260 characters.");
        }

        if (request.Length is not { } length || length < 1)
        {
            throw Bad("length must be the file's size in bytes (at least 1).");
        }

        if (length > Settings.MaxDocumentBytes)
        {
            throw new DossierException(413, "Too large", $"'{request.FileName}' has {Size(length)}; documents may have at most {Size(Settings.MaxDocumentBytes)}. Scan at a lower resolution or split the file.");
        }

        // The name is a first, early check (the content decides at the end): an .exe is refused before a byte is sent.
        var extension = Path.GetExtension(request.FileName).ToLowerInvariant();
        if (!DocumentContent.Accepted.Any(k => k.Extensions.Contains(extension)))
        {
            throw new DossierException(415, "Not an accepted kind of document",
                $"'{request.FileName}' is not a PDF, an image or an Office document; accepted are {DocumentContent.AcceptedExtensions}.");
        }

        var sha256 = request.Sha256?.Trim().ToLowerInvariant();
        if (sha256 is not null && (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigit)))
        {
            throw Bad("sha256 must be 64 hexadecimal digits.");
        }

        await DropExpiredUploadsAsync(ct);
        var now = clock.GetUtcNow();
        var id = Guid.NewGuid();
        var upload = new EvidenceUploadRow
        {
            Id = id, DossierId = dossierId, IndicatorNumber = indicator, FileName = request.FileName.Trim(), Length = length, ExpectedSha256 = sha256,
            ChunkBytes = Settings.ChunkBytes, StorageKey = $"dossiers/{dossierId:N}/{id:N}", StartedBy = official.UserName, StartedAt = now, UpdatedAt = now,
        };
        db.EvidenceUploads.Add(upload);
        await db.SaveChangesAsync(ct);
        db.Entry(upload).State = EntityState.Detached; // uploads are read untracked from here on (see FindUploadAsync)
        return State(upload);
    }

    /// <summary>Where an upload stands, for the client that resumes it; only its starter sees it.</summary>
    public async Task<UploadState> StatusAsync(Official official, Guid dossierId, Guid uploadId, CancellationToken ct) =>
        State(await FindUploadAsync(official, dossierId, uploadId, ct));

    /// <summary>
    /// Stores the part that starts at <paramref name="offset"/>, which must be where the upload stands. Sending a part
    /// again after a lost answer is answered with 409 and the upload's state, so the client moves on.
    /// </summary>
    public async Task<UploadState> AppendAsync(Official official, Guid dossierId, Guid uploadId, long offset, Stream body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var upload = await FindUploadAsync(official, dossierId, uploadId, ct);
        if (offset != upload.Received)
        {
            throw new DossierException(409, "Not the next part",
                $"The upload of '{upload.FileName}' stands at byte {upload.Received.ToString(CultureInfo.InvariantCulture)}; the part sent starts at {offset.ToString(CultureInfo.InvariantCulture)}.");
        }

        var expected = (int)Math.Min(upload.ChunkBytes, upload.Length - offset);
        if (expected <= 0)
        {
            throw new DossierException(409, "Upload complete", $"Every byte of '{upload.FileName}' has arrived: complete the upload.");
        }

        var buffer = ArrayPool<byte>.Shared.Rent(expected + 1);
        try
        {
            var read = await ReadUpToAsync(body, buffer, expected + 1, ct);
            if (read != expected)
            {
                throw Bad($"The part at byte {offset.ToString(CultureInfo.InvariantCulture)} must have {expected.ToString(CultureInfo.InvariantCulture)} bytes" +
                          (read > expected ? ", it has more." : $", it has {read.ToString(CultureInfo.InvariantCulture)}."));
            }

            if (offset == 0 && DocumentContent.SniffHead(buffer.AsSpan(0, read), upload.FileName) is { Refusal: { } refusal })
            {
                // Refused on its first bytes: the official hears it now, not after sending fifty megabytes.
                await DropUploadAsync(upload, ct);
                throw new DossierException(415, "Not an accepted kind of document", $"'{upload.FileName}': {refusal}");
            }

            await store.StageBlockAsync(upload.StorageKey, (int)(offset / upload.ChunkBytes), offset, new MemoryStream(buffer, 0, read, writable: false), ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        // Only one request moves an upload on from a given byte; a concurrent duplicate finds it moved and gets 409.
        var now = clock.GetUtcNow();
        var moved = await db.EvidenceUploads.Where(u => u.Id == uploadId && u.Received == offset)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Received, offset + expected).SetProperty(u => u.UpdatedAt, now), ct);
        if (moved == 0)
        {
            throw new DossierException(409, "Not the next part", $"The part at byte {offset.ToString(CultureInfo.InvariantCulture)} of '{upload.FileName}' was stored meanwhile.");
        }

        return State(upload) with { Received = offset + expected };
    }

    /// <summary>
    /// Makes a fully arrived upload a document of the dossier: reads it back once to find its kind from the content
    /// and its SHA-256 (compared with the browser's when given); a refusal removes what was stored.
    /// </summary>
    public async Task<EvidenceDocumentRow> CompleteAsync(Official official, Guid dossierId, Guid uploadId, CancellationToken ct)
    {
        var upload = await FindUploadAsync(official, dossierId, uploadId, ct);
        if (upload.Received != upload.Length)
        {
            throw new DossierException(409, "Upload incomplete",
                $"{Size(upload.Received)} of {Size(upload.Length)} of '{upload.FileName}' have arrived; send the rest, then complete.");
        }

        var dossier = await dossiers.LoadAsync(dossierId, ct);
        var indicatorRow = await MayAttachAsync(official, dossier, upload.IndicatorNumber, ct);
        var parts = (int)((upload.Length + upload.ChunkBytes - 1) / upload.ChunkBytes);
        await store.CommitBlocksAsync(upload.StorageKey, parts, "application/octet-stream", ct);
        var (kind, sha256, length, refusal) = await InspectAsync(upload, ct);
        refusal ??= length != upload.Length ? $"{Size(length)} were stored, {Size(upload.Length)} were announced."
            : upload.ExpectedSha256 is { } expected && expected != sha256 ? "The file arrived damaged (its SHA-256 differs from the one computed before sending); upload it again."
            : null;
        if (refusal is not null || kind is null)
        {
            await store.DeleteAsync(upload.StorageKey, ct);
            await DropUploadAsync(upload, ct);
            throw new DossierException(refusal?.StartsWith("The file arrived damaged", StringComparison.Ordinal) == true ? 422 : 415,
                "Not an accepted document", $"'{upload.FileName}': {refusal}");
        }

        var fileName = DocumentContent.SafeFileName(upload.FileName, kind);
        var earlier = await db.EvidenceDocuments.Where(d => d.DossierId == dossierId && d.IndicatorNumber == upload.IndicatorNumber)
            .Select(d => new { d.FileName, d.Version }).ToListAsync(ct);
        var version = 1 + earlier.Where(d => string.Equals(d.FileName, fileName, StringComparison.OrdinalIgnoreCase)).Select(d => d.Version).DefaultIfEmpty(0).Max();
        var now = clock.GetUtcNow();
        var document = new EvidenceDocumentRow
        {
            Id = uploadId, DossierId = dossierId, IndicatorNumber = upload.IndicatorNumber, FileName = fileName, ContentType = kind.ContentType, Length = length,
            Sha256 = sha256, StorageKey = upload.StorageKey, Version = version, UploadedBy = official.UserName, UploadedAt = now,
        };
        db.EvidenceDocuments.Add(document);
        db.EvidenceUploads.Remove(upload);
        if (indicatorRow is not null)
        {
            Link(indicatorRow, document, official.UserName, now);
        }

        AuditTrail.Record(db, official.UserName, "dossier.documentUploaded", DossierService.Subject(dossierId), new
        {
            document = document.Id, indicator = document.IndicatorNumber, document.FileName, document.ContentType, document.Length, document.Sha256, document.Version,
        });
        await db.SaveChangesAsync(ct);
        return document;
    }

    /// <summary>Sends a whole file at once (the page without scripts, an API client): the same parts, checks and record.</summary>
    public async Task<EvidenceDocumentRow> UploadAsync(Official official, Guid dossierId, string? indicatorNumber, string? fileName, long length, Stream content, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        var upload = await StartAsync(official, dossierId, new UploadStartRequest(indicatorNumber, fileName, length, null), ct);
        try
        {
            for (var offset = 0L; offset < length; offset += upload.ChunkBytes)
            {
                var size = (int)Math.Min(upload.ChunkBytes, length - offset);
                var part = new byte[size];
                await content.ReadExactlyAsync(part, ct);
                await AppendAsync(official, dossierId, upload.UploadId, offset, new MemoryStream(part, writable: false), ct);
            }

            return await CompleteAsync(official, dossierId, upload.UploadId, ct);
        }
        catch (EndOfStreamException)
        {
            await CancelAsync(official, dossierId, upload.UploadId, ct);
            throw Bad($"'{fileName}' ended before its announced {Size(length)}.");
        }
    }

    public async Task CancelAsync(Official official, Guid dossierId, Guid uploadId, CancellationToken ct) =>
        await DropUploadAsync(await FindUploadAsync(official, dossierId, uploadId, ct), ct);

    /// <summary>Withdraws a document from the dossier: it no longer counts as evidence, but stays in the record with who withdrew it.</summary>
    public async Task<EvidenceDocumentRow> WithdrawAsync(Official official, Guid dossierId, Guid documentId, CancellationToken ct)
    {
        var document = await db.EvidenceDocuments.SingleOrDefaultAsync(d => d.Id == documentId && d.DossierId == dossierId, ct)
                       ?? throw new DossierException(404, "Not found", $"Dossier {dossierId} has no document {documentId}.");
        if (document.WithdrawnAt is not null)
        {
            return document;
        }

        var dossier = await dossiers.LoadAsync(dossierId, ct);
        var indicatorRow = await MayAttachAsync(official, dossier, document.IndicatorNumber, ct);
        document.WithdrawnAt = clock.GetUtcNow();
        document.WithdrawnBy = official.UserName;
        if (indicatorRow is not null)
        {
            var list = JsonNode.Parse(indicatorRow.Evidence)!.AsArray();
            foreach (var reference in list.Where(r => r?["documentId"]?.GetValue<string>() == document.Id.ToString()).ToList())
            {
                list.Remove(reference);
            }

            indicatorRow.Evidence = list.ToJsonString(Json);
        }

        AuditTrail.Record(db, official.UserName, "dossier.documentWithdrawn", DossierService.Subject(dossierId),
            new { document = document.Id, indicator = document.IndicatorNumber, document.FileName, document.Version, document.Sha256 });
        await db.SaveChangesAsync(ct);
        return document;
    }

    /// <summary>Every document of the dossier, every version, withdrawn ones included: by indicator, name, then newest first.</summary>
    public async Task<List<EvidenceDocumentRow>> ListAsync(Guid dossierId, CancellationToken ct) =>
        (await db.EvidenceDocuments.AsNoTracking().Where(d => d.DossierId == dossierId).ToListAsync(ct))
        .OrderBy(d => d.IndicatorNumber ?? string.Empty, IndicatorOrder.Instance).ThenBy(d => d.FileName, StringComparer.OrdinalIgnoreCase).ThenByDescending(d => d.Version).ToList();

    /// <summary>A document with its content, streamed from the store; null when the dossier has no such document.</summary>
    public async Task<(EvidenceDocumentRow Document, StoredDocument Content)?> OpenAsync(Guid dossierId, Guid documentId, CancellationToken ct)
    {
        var document = await db.EvidenceDocuments.AsNoTracking().SingleOrDefaultAsync(d => d.Id == documentId && d.DossierId == dossierId, ct);
        if (document is null)
        {
            return null;
        }

        var content = await store.OpenAsync(document.StorageKey, ct)
                      ?? throw new InvalidOperationException($"Document {document.Id} ({document.FileName}) is recorded but missing from the document store under '{document.StorageKey}'.");
        return (document, content);
    }

    /// <summary>
    /// Who may attach now: to an indicator, the commune while the dossier is with it (in a supplement, an indicator sent
    /// back); to the whole dossier, also whoever holds one of its open steps. Returns the indicator's row.
    /// </summary>
    private async Task<DossierIndicatorRow?> MayAttachAsync(Official official, DossierRow dossier, string? indicator, CancellationToken ct)
    {
        if (indicator is not null)
        {
            return await dossiers.EditableIndicatorAsync(official, dossier, indicator, ct);
        }

        var tasks = await dossiers.OpenTasksAsync(dossier, ct);
        if (!tasks.Any(t => DossierService.MayAct(official, t)))
        {
            throw new DossierException(403, "Not yours", $"{official.UserName} holds no open step of dossier {dossier.Code}, so cannot attach documents to it now.");
        }

        return null;
    }

    private async Task<EvidenceUploadRow> FindUploadAsync(Official official, Guid dossierId, Guid uploadId, CancellationToken ct)
    {
        // Untracked: parts move Received in SQL, so a tracked copy would go stale within one request.
        var upload = await db.EvidenceUploads.AsNoTracking().SingleOrDefaultAsync(u => u.Id == uploadId && u.DossierId == dossierId, ct);
        if (upload is null || upload.UpdatedAt < clock.GetUtcNow() - UploadLifetime)
        {
            throw new DossierException(404, "No such upload", $"Upload {uploadId} does not exist or expired after {UploadLifetime.TotalDays} days untouched; start again.");
        }

        return upload.StartedBy == official.UserName
            ? upload
            : throw new DossierException(403, "Not yours", $"Upload {uploadId} was started by another official.");
    }

    /// <summary>
    /// Reads the stored document: its head for the kind and all of it for the SHA-256; a ZIP package is read a second
    /// time into a temporary file, whose directory (not its content) tells an Office document from an archive.
    /// </summary>
    private async Task<(DocumentKind? Kind, string Sha256, long Length, string? Refusal)> InspectAsync(EvidenceUploadRow upload, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var head = new byte[DocumentContent.HeadBytes];
        var headLength = 0;
        var length = 0L;
        await using (var stored = await OpenStoredAsync(upload, ct))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await stored.Content.ReadAsync(buffer, ct)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                length += read;
                var take = Math.Min(read, head.Length - headLength);
                Array.Copy(buffer, 0, head, headLength, take);
                headLength += take;
            }
        }

        var sniffed = DocumentContent.SniffHead(head.AsSpan(0, headLength), upload.FileName);
        if (sniffed.NeedsPackageCheck)
        {
            await using var copy = new FileStream(Path.GetTempFileName(), FileMode.Open, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            await using (var stored = await OpenStoredAsync(upload, ct))
            {
                await stored.Content.CopyToAsync(copy, ct);
            }

            copy.Position = 0;
            sniffed = DocumentContent.SniffPackage(copy);
        }

        return (sniffed.Kind, Convert.ToHexStringLower(hash.GetHashAndReset()), length, sniffed.Refusal);
    }

    private async Task<StoredDocument> OpenStoredAsync(EvidenceUploadRow upload, CancellationToken ct) =>
        await store.OpenAsync(upload.StorageKey, ct) ?? throw new InvalidOperationException($"The committed upload '{upload.StorageKey}' is missing from the document store.");

    /// <summary>Puts the document on the indicator's evidence list, or, for a new version of a name, points that entry to it.</summary>
    private static void Link(Dossiers.DossierIndicatorRow row, EvidenceDocumentRow document, string actor, DateTimeOffset at)
    {
        var list = JsonNode.Parse(row.Evidence)!.AsArray();
        var entry = list.OfType<JsonObject>().FirstOrDefault(r => r["documentId"] is not null
                                                                   && string.Equals(r["name"]?.GetValue<string>(), document.FileName, StringComparison.OrdinalIgnoreCase));
        if (entry is null)
        {
            entry = new JsonObject { ["name"] = document.FileName };
            list.Add(entry);
        }

        entry["documentId"] = document.Id.ToString();
        entry["version"] = document.Version;
        entry["addedBy"] = actor;
        entry["addedAt"] = at.ToString("O", CultureInfo.InvariantCulture);
        row.Evidence = list.ToJsonString(Json);
        row.UpdatedAt = at;
        row.UpdatedBy = actor;
    }

    private async Task DropUploadAsync(EvidenceUploadRow upload, CancellationToken ct)
    {
        await store.DiscardBlocksAsync(upload.StorageKey, ct);
        await db.EvidenceUploads.Where(u => u.Id == upload.Id).ExecuteDeleteAsync(ct);
    }

    /// <summary>Drops a few uploads abandoned longer than <see cref="UploadLifetime"/>; each start clears some, so none pile up.</summary>
    private async Task DropExpiredUploadsAsync(CancellationToken ct)
    {
        var before = clock.GetUtcNow() - UploadLifetime;
        foreach (var expired in await db.EvidenceUploads.AsNoTracking().Where(u => u.UpdatedAt < before).OrderBy(u => u.UpdatedAt).Take(20).ToListAsync(ct))
        {
            await DropUploadAsync(expired, ct);
        }
    }

    private static async Task<int> ReadUpToAsync(Stream body, byte[] buffer, int limit, CancellationToken ct)
    {
        var total = 0;
        int read;
        while (total < limit && (read = await body.ReadAsync(buffer.AsMemory(total, limit - total), ct)) > 0)
        {
            total += read;
        }

        return total;
    }

    private static string? Normalise(string? indicator) => string.IsNullOrWhiteSpace(indicator) ? null : indicator.Trim();

    private static UploadState State(EvidenceUploadRow u) =>
        new(u.Id, u.IndicatorNumber, u.FileName, u.Length, u.Received, u.ChunkBytes, u.UpdatedAt + UploadLifetime);

    /// <summary>A size as officials read it: "3,2 MB".</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.#", CultureInfo.GetCultureInfo("vi-VN")) + " KB",
        _ => (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.GetCultureInfo("vi-VN")) + " MB",
    };

    private static DossierException Bad(string detail) => new(400, "Bad request", detail);
}

namespace NtmWorkflow.Web.Features.Evidence;

/// <summary>
/// An evidence document (tài liệu minh chứng) of a dossier, for one indicator or for the dossier as a whole. The
/// bytes live in the document store under <see cref="StorageKey"/>; this row is what is known of them. Uploading
/// a file of the same name again for the same indicator adds a version; nothing is overwritten or deleted, and a
/// withdrawn document stays in the record.
/// </summary>
public sealed class EvidenceDocumentRow
{
    public Guid Id { get; set; }

    public Guid DossierId { get; set; }

    /// <summary>The indicator ("17.10") the document supports; null for a document of the whole dossier (a report, the posting minutes).</summary>
    public string? IndicatorNumber { get; set; }

    /// <summary>As shown and downloaded: sanitised, ending in the extension of what the content is.</summary>
    public required string FileName { get; set; }

    /// <summary>The media type found in the content (never the one the browser claimed).</summary>
    public required string ContentType { get; set; }

    public long Length { get; set; }

    /// <summary>SHA-256 of the content, lower-case hex: proves later that the document is the one submitted.</summary>
    public required string Sha256 { get; set; }

    public required string StorageKey { get; set; }

    /// <summary>1 for the first upload of a name for an indicator, then 2, 3, …</summary>
    public int Version { get; set; }

    public required string UploadedBy { get; set; }

    public DateTimeOffset UploadedAt { get; set; }

    public string? WithdrawnBy { get; set; }

    public DateTimeOffset? WithdrawnAt { get; set; }
}

/// <summary>
/// An upload in progress, sent in parts of <see cref="ChunkBytes"/>: <see cref="Received"/> says where it stands, so
/// an upload cut off by a dropped line continues from there instead of starting again.
/// </summary>
public sealed class EvidenceUploadRow
{
    public Guid Id { get; set; }

    public Guid DossierId { get; set; }

    public string? IndicatorNumber { get; set; }

    /// <summary>The name as the official's computer gave it (sanitised when the document is created).</summary>
    public required string FileName { get; set; }

    /// <summary>The whole file's size, declared when the upload starts.</summary>
    public long Length { get; set; }

    /// <summary>The SHA-256 the browser computed, when it could: checked against what arrived.</summary>
    public string? ExpectedSha256 { get; set; }

    /// <summary>The part size of this upload, kept so that a change of setting does not break uploads under way.</summary>
    public int ChunkBytes { get; set; }

    public long Received { get; set; }

    /// <summary>Where the parts are staged, and the document's key once complete.</summary>
    public required string StorageKey { get; set; }

    public required string StartedBy { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Wordprocessing;
using NtmWorkflow.Web.Features.Documents;
using static NtmWorkflow.Web.Features.Documents.OfficialDocument;

namespace NtmWorkflow.Web.Features.Council;

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
    public const string ContentType = OfficialDocument.ContentType;

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
}

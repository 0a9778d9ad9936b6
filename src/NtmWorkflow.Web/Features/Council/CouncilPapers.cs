using System.Globalization;
using Microsoft.EntityFrameworkCore;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Web.Features.AdministrativeUnits;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Documents;

namespace NtmWorkflow.Web.Features.Council;

/// <summary>The session's papers: the minutes and the draft decision, from the session's own record.</summary>
public sealed partial class CouncilService
{
    /// <summary>The minutes (biên bản) as a Word document: attendance, reports, rules, each dossier's tally and the dissenting reasons.</summary>
    public async Task<(byte[] Content, string FileName)> MinutesAsync(Guid sessionId, CancellationToken ct)
    {
        var session = await LoadAsync(sessionId, ct);
        var province = await ProvinceNameAsync(session.ProvinceCode, ct);
        var ballots = await BallotsAsync(sessionId, ct);
        var rules = CouncilVotingRules.For(parameters, session.ProvinceCode);
        var members = session.Members.OrderBy(m => m.Seat).ToList();
        var names = members.ToDictionary(m => m.MemberId, m => m.FullName);
        var tiers = await db.Dossiers.AsNoTracking().Where(d => session.Agenda.Select(a => a.DossierId).Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.Tier, ct);
        var minutes = new CouncilMinutes(
            new Letterhead($"ỦY BAN NHÂN DÂN {province.Upper}", "HỘI ĐỒNG THẨM ĐỊNH", $"{session.Code}/BB-HĐTĐ", province.Place, session.ClosedAt is { } closed ? VietnamTime.VietnamDate(closed) : null, session.MeetsOn.Year),
            $"Phiên họp Hội đồng thẩm định xét, công nhận xã đạt chuẩn nông thôn mới ({session.Code})",
            session.OpenedAt ?? new DateTimeOffset(session.MeetsOn.ToDateTime(new TimeOnly(8, 0)), VietnamTime.Offset), session.ClosedAt, session.Venue,
            members.FirstOrDefault(m => m.Position == CouncilPosition.Chair)?.FullName ?? "—", members.FirstOrDefault(m => m.Position == CouncilPosition.Secretary)?.FullName ?? "—",
            RulesText(rules),
            [.. members.Select(m => new MinutesAttendee(m.FullName, PositionText(m.Position), m.Title,
                m.Attendance == Attendance.Present ? AttendanceKind.Present
                : ballots.Any(b => b.MemberId == m.MemberId && b.Written) ? AttendanceKind.WrittenVote : AttendanceKind.Absent))],
            session.State >= CouncilSessionState.Voting
                ? ["Văn phòng Điều phối nông thôn mới tỉnh trình bày báo cáo kết quả thẩm định hồ sơ.", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh báo cáo kết quả lấy ý kiến sự hài lòng của người dân."]
                : [],
            [.. session.Agenda.OrderBy(a => a.Order).Select(a => new MinutesDossier(a.Order, a.DossierCode, a.CommuneName, TierText(tiers.GetValueOrDefault(a.DossierId)),
                a.MembersInForce, a.Attending, a.Agree, a.Disagree, a.Abstain, a.Recused, a.WrittenVotes, a.ApprovalBase, a.AgreeNeeded,
                a.Outcome is CouncilOutcome.Passed or CouncilOutcome.NotPassed, a.Outcome == CouncilOutcome.Passed, OutcomeText(a.Outcome),
                [.. ballots.Where(b => b.DossierId == a.DossierId && b.Choice != BallotChoice.Agree).OrderBy(b => b.CastAt)
                    .Select(b => new MinutesDissent(names.GetValueOrDefault(b.MemberId, b.UserName), ChoiceText(b.Choice) + (b.Written ? " (bằng văn bản)" : ""), b.Reason))]))]);
        return (CouncilDocuments.Minutes(minutes), $"bien-ban-{session.Code}.docx");
    }

    /// <summary>The draft recognition decision as a Word document: the communes the session passed, by tier, for the chairman to sign.</summary>
    public async Task<(byte[] Content, string FileName)> DraftDecisionAsync(Guid sessionId, CancellationToken ct)
    {
        var session = await LoadAsync(sessionId, ct);
        if (session.State < CouncilSessionState.Tallied)
        {
            throw new DossierException(409, "Not tallied yet", $"Session {session.Code} has not been tallied: the draft decision lists the communes it passed.");
        }

        var province = await ProvinceNameAsync(session.ProvinceCode, ct);
        var passed = session.Agenda.Where(a => a.Outcome == CouncilOutcome.Passed).Select(a => a.DossierId).ToList();
        var dossierRows = (await db.Dossiers.AsNoTracking().Where(d => passed.Contains(d.Id)).ToListAsync(ct)).OrderBy(d => d.CommuneName, StringComparer.Create(CultureInfo.GetCultureInfo("vi-VN"), false)).ToList();
        var recorded = await DecisionOfAsync(sessionId, ct);
        var year = session.MeetsOn.Year;
        var decision = new DraftDecision(
            new Letterhead(null, $"ỦY BAN NHÂN DÂN {province.Upper}", recorded?.Number ?? "      /QĐ-UBND", province.Place, recorded?.SignedOn, year),
            "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", recorded?.Signer, province.Name, year,
            [
                "Căn cứ Luật Tổ chức chính quyền địa phương",
                "Căn cứ Quyết định số 18/2022/QĐ-TTg ngày 02 tháng 8 năm 2022 của Thủ tướng Chính phủ ban hành Quy định điều kiện, trình tự, thủ tục, hồ sơ xét, công nhận, công bố và thu hồi quyết định công nhận địa phương đạt chuẩn nông thôn mới, đạt chuẩn nông thôn mới nâng cao, đạt chuẩn nông thôn mới kiểu mẫu và hoàn thành nhiệm vụ xây dựng nông thôn mới giai đoạn 2021 - 2025",
                $"Căn cứ kết quả thẩm định của Hội đồng thẩm định tỉnh tại phiên họp {session.Code} ngày {session.MeetsOn:dd/MM/yyyy}",
                "Theo đề nghị của Văn phòng Điều phối nông thôn mới tỉnh",
            ],
            [.. dossierRows.GroupBy(d => d.Tier).OrderBy(g => g.Key).Select(g => new DecisionTier(TierHeading(g.Key),
                [.. g.Select(d => new DecisionCommune(d.CommuneName, g.Key == RecognitionTier.Model ? d.OutstandingField : null))]))],
            ["Văn phòng Điều phối nông thôn mới Trung ương", "Thường trực Tỉnh ủy, Thường trực HĐND tỉnh", "Chủ tịch, các Phó Chủ tịch UBND tỉnh", "Các sở, ngành thành viên Ban Chỉ đạo tỉnh",
             .. dossierRows.Select(d => $"UBND {d.CommuneName}")]);
        return (CouncilDocuments.Decision(decision), $"du-thao-quyet-dinh-{session.Code}.docx");
    }

    private async Task<(string Name, string Upper, string Place)> ProvinceNameAsync(string provinceCode, CancellationToken ct)
    {
        var units = await db.AdministrativeUnits.AsNoTracking().Where(u => u.Level == AdministrativeLevel.Province && u.Code == provinceCode).ToListAsync(ct);
        var full = (units.FirstOrDefault(u => u.ValidTo is null) ?? units.FirstOrDefault())?.Name ?? $"Tỉnh {provinceCode}";
        var place = full.StartsWith("Thành phố ", StringComparison.Ordinal) ? full["Thành phố ".Length..] : full.StartsWith("Tỉnh ", StringComparison.Ordinal) ? full["Tỉnh ".Length..] : full;
        return (place, full.ToUpper(CultureInfo.GetCultureInfo("vi-VN")), place);
    }

    /// <summary>The rules as the minutes print them, with their unverified status left to the parameters page.</summary>
    public static string RulesText(CouncilVotingRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        static string Share(CouncilShare s) => $"{(s.Strict ? "trên" : "ít nhất")} {s.Numerator}/{s.Denominator} {s.Base switch
        {
            ShareBase.MembersInForce => "tổng số thành viên Hội đồng",
            ShareBase.Present => "số thành viên dự họp",
            _ => "số thành viên dự họp tham gia biểu quyết (không kể thành viên không biểu quyết vì xung đột lợi ích)",
        }}";
        return $"Phiên họp hợp lệ khi có {Share(rules.Quorum)} tham dự. Hồ sơ được thông qua khi có {Share(rules.Approval)} đồng ý. "
               + (rules.AbstentionAllowed ? (rules.AbstentionsInBase ? "Phiếu trắng được tính vào số biểu quyết. " : "Phiếu trắng không tính vào số biểu quyết. ") : "Không có phiếu trắng. ")
               + (rules.WrittenVotesAllowed ? (rules.WrittenVotesCountAsPresent ? "Thành viên vắng mặt biểu quyết bằng văn bản được tính như dự họp." : "Ý kiến bằng văn bản của thành viên vắng mặt được ghi vào biên bản, không tính vào kết quả.")
                   : "Không nhận biểu quyết bằng văn bản.");
    }

    public static string OutcomeText(CouncilOutcome? outcome) => outcome switch
    {
        CouncilOutcome.Passed => "Thông qua",
        CouncilOutcome.NotPassed => "Không thông qua",
        CouncilOutcome.NoQuorum => "Không đủ số thành viên dự họp: xét ở phiên sau",
        _ => "Chưa kiểm phiếu",
    };

    public static string ChoiceText(BallotChoice choice) => choice switch
    {
        BallotChoice.Agree => "Đồng ý",
        BallotChoice.Disagree => "Không đồng ý",
        BallotChoice.Abstain => "Không biểu quyết (phiếu trắng)",
        _ => "Không biểu quyết (xung đột lợi ích)",
    };

    public static string TierText(RecognitionTier tier) => tier switch
    {
        RecognitionTier.Ntm => "Nông thôn mới",
        RecognitionTier.Advanced => "Nông thôn mới nâng cao",
        _ => "Nông thôn mới kiểu mẫu",
    };

    private static string TierHeading(RecognitionTier tier) => tier switch
    {
        RecognitionTier.Ntm => "Xã đạt chuẩn nông thôn mới",
        RecognitionTier.Advanced => "Xã đạt chuẩn nông thôn mới nâng cao",
        _ => "Xã đạt chuẩn nông thôn mới kiểu mẫu",
    };
}

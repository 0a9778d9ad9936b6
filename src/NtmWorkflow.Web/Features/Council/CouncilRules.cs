using System.Text.Json.Nodes;
using NtmWorkflow.Engine.Runtime;

namespace NtmWorkflow.Web.Features.Council;

/// <summary>What a share is taken of: the members in force that day, those present, or those present and not recused.</summary>
public enum ShareBase
{
    MembersInForce,
    Present,
    PresentNotRecused,
}

/// <summary>
/// A share a count must reach, as the legal parameters state it (<c>council.quorum</c>, <c>council.approval</c>):
/// <see cref="Numerator"/>/<see cref="Denominator"/> of <see cref="Base"/>, strictly more than it when
/// <see cref="Strict"/>. Compared in whole numbers — count × denominator against numerator × base — so 2/3 of 10 has
/// no rounding to argue about.
/// </summary>
public sealed record CouncilShare(int Numerator, int Denominator, bool Strict, ShareBase Base)
{
    /// <summary>Reads a fraction parameter's value: <c>{numerator, denominator, strict, base}</c>.</summary>
    public static CouncilShare Parse(JsonNode? value)
    {
        if (value is not JsonObject fraction
            || fraction["numerator"] is not JsonValue n || !n.TryGetValue(out int numerator)
            || fraction["denominator"] is not JsonValue d || !d.TryGetValue(out int denominator)
            || denominator <= 0 || numerator < 0 || numerator > denominator)
        {
            throw new ArgumentException($"'{value?.ToJsonString()}' is not a fraction {{numerator, denominator, strict, base}} with 0 ≤ numerator ≤ denominator.", nameof(value));
        }

        var strict = fraction["strict"] is JsonValue s && s.TryGetValue(out bool isStrict) && isStrict;
        var shareBase = (fraction["base"] as JsonValue)?.GetValue<string>() switch
        {
            null or "membersInForce" => ShareBase.MembersInForce,
            "present" => ShareBase.Present,
            "presentNotRecused" => ShareBase.PresentNotRecused,
            var other => throw new ArgumentException($"'{other}' is not a base (membersInForce, present, presentNotRecused).", nameof(value)),
        };
        return new CouncilShare(numerator, denominator, strict, shareBase);
    }

    /// <summary>Whether <paramref name="count"/> reaches the share of <paramref name="of"/>; never of an empty base.</summary>
    public bool IsReachedBy(int count, int of) =>
        of > 0 && (Strict ? (long)count * Denominator > (long)Numerator * of : (long)count * Denominator >= (long)Numerator * of);

    /// <summary>The smallest count that reaches the share of <paramref name="of"/> (for the minutes: "cần ít nhất 7/10").</summary>
    public int SmallestCountReaching(int of) => Enumerable.Range(0, of + 1).FirstOrDefault(c => IsReachedBy(c, of), of + 1);

    public override string ToString() => $"{(Strict ? ">" : "≥")} {Numerator}/{Denominator} of {Base}";
}

/// <summary>How a province's council votes: the two shares and what counts besides members present voting agree or disagree.</summary>
/// <param name="Quorum">The share of members that must attend (<c>council.quorum</c>).</param>
/// <param name="Approval">The share of agreeing votes that passes a dossier (<c>council.approval</c>).</param>
/// <param name="AbstentionAllowed">Members may abstain (otherwise an abstention is refused when cast).</param>
/// <param name="AbstentionsInBase">An abstention stays in the base of the approval share (it then weighs as "not agree").</param>
/// <param name="WrittenVotesAllowed">Members absent from the session may vote in writing.</param>
/// <param name="WrittenVotesCountAsPresent">A written vote counts as presence and as a vote, for the quorum, the bases and the agree count; otherwise it is recorded in the minutes only.</param>
public sealed record CouncilVotingRules(
    CouncilShare Quorum, CouncilShare Approval, bool AbstentionAllowed = false, bool AbstentionsInBase = true, bool WrittenVotesAllowed = false, bool WrittenVotesCountAsPresent = false)
{
    /// <summary>
    /// The rules in force for a province: its own values of <c>council.quorum</c>, <c>council.approval</c> and the
    /// four <c>council.*</c> yes/no parameters where it set them, the national ones otherwise.
    /// </summary>
    public static CouncilVotingRules For(IProcessParameters parameters, string provinceCode)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var province = new Dictionary<string, JsonNode?> { ["provinceCode"] = provinceCode };
        JsonNode? Value(string name) => parameters.Find(name, province)?.Value
                                        ?? throw new InvalidOperationException($"The legal parameter {name} is missing.");
        bool YesNo(string name) => Value(name) is JsonValue v && v.TryGetValue(out bool yes)
            ? yes
            : throw new InvalidOperationException($"The legal parameter {name} is not yes/no.");
        return new CouncilVotingRules(CouncilShare.Parse(Value("council.quorum")), CouncilShare.Parse(Value("council.approval")),
            YesNo("council.abstentionAllowed"), YesNo("council.abstentionsInBase"), YesNo("council.writtenVotesAllowed"), YesNo("council.writtenVotesCountAsPresent"));
    }
}

/// <summary>
/// One dossier's ballots in a session. <see cref="Present"/> are the members in the room; each of them agrees,
/// disagrees, abstains, is recused (conflict of interest) or cast nothing before the close (<see cref="NotVoted"/>: present,
/// so in the bases, but not agreeing). Written votes come from absent members.
/// </summary>
public sealed record BallotCount(int MembersInForce, int Present, int Agree, int Disagree, int Abstain, int Recused, int WrittenAgree = 0, int WrittenDisagree = 0, int NotVoted = 0);

/// <summary>The tally: quorum, approval, and the numbers the minutes print.</summary>
public sealed record TallyResult(bool QuorumMet, bool Passed, int Attending, int AgreeVotes, int ApprovalBase, int AgreeNeeded, int AttendingNeeded)
{
    /// <summary>The dossier goes on only when the session had its quorum and the share agreed.</summary>
    public bool Recognised => QuorumMet && Passed;
}

/// <summary>The council's arithmetic: exact, in whole numbers, with every count checked for sense first.</summary>
public static class CouncilTally
{
    public static TallyResult Tally(CouncilVotingRules rules, BallotCount count)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(count);
        var written = count.WrittenAgree + count.WrittenDisagree;
        var problems = new List<string>();
        if (new[] { count.MembersInForce, count.Present, count.Agree, count.Disagree, count.Abstain, count.Recused, count.WrittenAgree, count.WrittenDisagree, count.NotVoted }.Any(n => n < 0))
        {
            problems.Add("no count can be negative");
        }

        if (count.Agree + count.Disagree + count.Abstain + count.Recused + count.NotVoted != count.Present)
        {
            problems.Add($"the {count.Present} members present cast {count.Agree + count.Disagree + count.Abstain + count.Recused} ballots (agree, disagree, abstain, recused) and {count.NotVoted} cast none");
        }

        if (count.Present + written > count.MembersInForce)
        {
            problems.Add($"{count.Present} present and {written} written votes are more than the {count.MembersInForce} members in force");
        }

        if (count.Abstain > 0 && !rules.AbstentionAllowed)
        {
            problems.Add("the province's rules do not allow abstaining");
        }

        if (written > 0 && !rules.WrittenVotesAllowed)
        {
            problems.Add("the province's rules do not allow written votes");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("The ballots do not add up: " + string.Join("; ", problems) + ".", nameof(count));
        }

        var attending = count.Present + (rules.WrittenVotesCountAsPresent ? written : 0);
        var voting = attending - count.Recused - (rules.AbstentionsInBase ? 0 : count.Abstain);
        int Base(ShareBase b) => b switch
        {
            ShareBase.MembersInForce => count.MembersInForce,
            ShareBase.Present => attending - (rules.AbstentionsInBase ? 0 : count.Abstain),
            _ => voting,
        };

        var agree = count.Agree + (rules.WrittenVotesCountAsPresent ? count.WrittenAgree : 0);
        var quorumBase = Base(rules.Quorum.Base);
        var approvalBase = Base(rules.Approval.Base);
        return new TallyResult(
            rules.Quorum.IsReachedBy(attending, quorumBase), rules.Approval.IsReachedBy(agree, approvalBase), attending, agree, approvalBase,
            rules.Approval.SmallestCountReaching(approvalBase), rules.Quorum.SmallestCountReaching(quorumBase));
    }
}

using System.Text.Json.Nodes;
using NtmWorkflow.Web.Features.Council;

namespace NtmWorkflow.Web.Tests.Council;

/// <summary>
/// The council's arithmetic at its boundaries, with the default parameters (quorum ≥ 2/3 of the members in force;
/// approval > 1/2 of those present and not recused) and variants: just under, at, just over, for several sizes.
/// </summary>
public sealed class CouncilTallyTests
{
    private static readonly CouncilShare Quorum = CouncilShare.Parse(JsonNode.Parse("""{ "numerator": 2, "denominator": 3, "strict": false, "base": "membersInForce" }"""));
    private static readonly CouncilShare Approval = CouncilShare.Parse(JsonNode.Parse("""{ "numerator": 1, "denominator": 2, "strict": true, "base": "presentNotRecused" }"""));
    private static readonly CouncilVotingRules Defaults = new(Quorum, Approval);

    [Theory]
    [InlineData(3, 2)]
    [InlineData(5, 4)] // 2/3 of 5 is 3.33…
    [InlineData(6, 4)]
    [InlineData(9, 6)]
    [InlineData(10, 7)] // 6.67: six is not enough
    [InlineData(12, 8)]
    [InlineData(15, 10)]
    public void The_quorum_needs_at_least_two_thirds_of_the_members_in_force(int members, int smallest)
    {
        Assert.Equal(smallest, Quorum.SmallestCountReaching(members));
        Assert.False(CouncilTally.Tally(Defaults, AllAgree(members, smallest - 1)).QuorumMet);
        Assert.True(CouncilTally.Tally(Defaults, AllAgree(members, smallest)).QuorumMet);
        Assert.True(CouncilTally.Tally(Defaults, AllAgree(members, Math.Min(members, smallest + 1))).QuorumMet);
    }

    [Theory]
    [InlineData(7, 3, false)]
    [InlineData(7, 4, true)]
    [InlineData(8, 4, false)] // exactly half is not more than half
    [InlineData(8, 5, true)]
    [InlineData(10, 5, false)]
    [InlineData(10, 6, true)]
    public void Approval_needs_more_than_half_of_those_present(int present, int agree, bool passed)
    {
        var result = CouncilTally.Tally(Defaults, new BallotCount(12, present, agree, present - agree, 0, 0));
        Assert.Equal(passed, result.Passed);
        Assert.Equal(present / 2 + 1, result.AgreeNeeded);
    }

    [Theory]
    [InlineData(8, 4, 0, false)] // four present cast nothing: they stay in the base, not agreeing
    [InlineData(8, 5, 3, true)]
    [InlineData(9, 4, 5, false)]
    public void A_present_member_who_cast_nothing_before_the_close_stays_in_the_base(int present, int agree, int disagree, bool passed)
    {
        var result = CouncilTally.Tally(Defaults, new BallotCount(9, present, agree, disagree, 0, 0, NotVoted: present - agree - disagree));
        Assert.Equal((passed, present), (result.Passed, result.ApprovalBase));
    }

    [Fact]
    public void A_recused_member_leaves_the_base_of_the_approval_but_counts_for_the_quorum()
    {
        // 8 present, 2 recused: 6 vote, 4 of 6 is more than half; 3 of 6 is not.
        var passes = CouncilTally.Tally(Defaults, new BallotCount(10, 8, 4, 2, 0, 2));
        Assert.True(passes.QuorumMet);
        Assert.True(passes.Passed);
        Assert.Equal(6, passes.ApprovalBase);
        Assert.False(CouncilTally.Tally(Defaults, new BallotCount(10, 8, 3, 3, 0, 2)).Passed);

        // On a base of all present, the recused count as not agreeing.
        var ofPresent = Defaults with { Approval = Approval with { Base = ShareBase.Present } };
        Assert.False(CouncilTally.Tally(ofPresent, new BallotCount(10, 8, 4, 2, 0, 2)).Passed);
    }

    [Fact]
    public void Abstentions_are_refused_unless_allowed_and_then_weigh_as_the_rules_say()
    {
        var ballots = new BallotCount(9, 8, 4, 2, 2, 0);
        Assert.Throws<ArgumentException>(() => CouncilTally.Tally(Defaults, ballots));

        // Kept in the base, two abstentions weigh against: 4 of 8 is not more than half.
        Assert.False(CouncilTally.Tally(Defaults with { AbstentionAllowed = true }, ballots).Passed);

        // Left out of the base: 4 of 6 is.
        var result = CouncilTally.Tally(Defaults with { AbstentionAllowed = true, AbstentionsInBase = false }, ballots);
        Assert.True(result.Passed);
        Assert.Equal(6, result.ApprovalBase);
    }

    [Fact]
    public void Written_votes_of_absent_members_count_only_when_the_province_says_so()
    {
        // 10 members, 6 in the room (no quorum on their own), 2 written votes for.
        var ballots = new BallotCount(10, 6, 4, 2, 0, 0, WrittenAgree: 2);
        Assert.Throws<ArgumentException>(() => CouncilTally.Tally(Defaults, ballots));
        var recordedOnly = CouncilTally.Tally(Defaults with { WrittenVotesAllowed = true }, ballots);
        Assert.False(recordedOnly.QuorumMet);
        Assert.Equal(4, recordedOnly.AgreeVotes);
        var counted = CouncilTally.Tally(Defaults with { WrittenVotesAllowed = true, WrittenVotesCountAsPresent = true }, ballots);
        Assert.True(counted.QuorumMet);
        Assert.Equal(8, counted.Attending);
        Assert.Equal(6, counted.AgreeVotes);
        Assert.True(counted.Recognised);
    }

    [Theory]
    [InlineData(10, 7, 4, 2, 0, 0)] // 6 ballots from 7 present
    [InlineData(10, 11, 11, 0, 0, 0)] // more present than members
    [InlineData(10, 7, -1, 8, 0, 0)]
    public void Ballots_that_do_not_add_up_are_refused(int members, int present, int agree, int disagree, int abstain, int recused) =>
        Assert.Throws<ArgumentException>(() => CouncilTally.Tally(Defaults, new BallotCount(members, present, agree, disagree, abstain, recused)));

    [Fact]
    public void No_share_is_reached_of_an_empty_base_and_a_unanimous_vote_of_one_third_is_no_quorum()
    {
        Assert.False(Approval.IsReachedBy(0, 0));
        var result = CouncilTally.Tally(Defaults, AllAgree(9, 3));
        Assert.True(result.Passed);
        Assert.False(result.Recognised);
    }

    [Theory]
    [InlineData("""{ "numerator": 3, "denominator": 2 }""")]
    [InlineData("""{ "numerator": 1, "denominator": 0 }""")]
    [InlineData("""{ "numerator": 1, "denominator": 2, "base": "everyone" }""")]
    [InlineData("""0.5""")]
    public void A_malformed_share_parameter_is_refused(string json) =>
        Assert.Throws<ArgumentException>(() => CouncilShare.Parse(JsonNode.Parse(json)));

    private static BallotCount AllAgree(int members, int present) => new(members, present, present, 0, 0, 0);
}

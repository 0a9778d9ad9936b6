using System.Net;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Web.Features.Council;
using NtmWorkflow.Web.Features.LegalParameters;

namespace NtmWorkflow.Web.Tests.Council;

/// <summary>The council's rules come from the legal parameters, national or the province's own, yes/no flags included.</summary>
public sealed class CouncilRulesParameterTests : AppTestHost
{
    [Fact]
    public void The_shipped_defaults_are_two_thirds_present_and_more_than_half_agreeing_with_no_abstention_or_written_vote()
    {
        var rules = CouncilVotingRules.For(LegalParameterDefaults.AsProcessParameters(), "08");
        Assert.Equal(new CouncilShare(2, 3, false, ShareBase.MembersInForce), rules.Quorum);
        Assert.Equal(new CouncilShare(1, 2, true, ShareBase.PresentNotRecused), rules.Approval);
        Assert.Equal((false, true, false, false), (rules.AbstentionAllowed, rules.AbstentionsInBase, rules.WrittenVotesAllowed, rules.WrittenVotesCountAsPresent));
    }

    [Fact]
    public async Task A_province_that_allows_abstaining_gets_its_own_rule_and_a_flag_keeps_its_yes_no_shape()
    {
        await OkAsync("admin", HttpMethod.Put, "/api/legal-parameters/council.abstentionAllowed/provinces/08",
            new { value = true, source = "Quy chế làm việc của Hội đồng thẩm định tỉnh (thử nghiệm)" });
        var problem = await RefusedAsync(HttpStatusCode.BadRequest, "admin", HttpMethod.Put, "/api/legal-parameters/council.writtenVotesAllowed/provinces/08",
            new { value = 1, source = "x" });
        Assert.Contains("yes/no", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var live = App.Services.GetRequiredService<LiveLegalParameters>();
        Assert.True(CouncilVotingRules.For(live, "08").AbstentionAllowed);
        Assert.False(CouncilVotingRules.For(live, "01").AbstentionAllowed);

        // With it, a ballot with abstentions is counted instead of refused.
        var tally = CouncilTally.Tally(CouncilVotingRules.For(live, "08"), new BallotCount(9, 8, 5, 1, 2, 0));
        Assert.True(tally.Recognised);
    }
}

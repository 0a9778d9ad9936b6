using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Web.Features.Accounts;
using NtmWorkflow.Web.Features.Criteria;
using NtmWorkflow.Web.Features.Dossiers;
using NtmWorkflow.Web.Features.Organisation;

namespace NtmWorkflow.Web.Tests.Dossiers;

/// <summary>The dossier page on the real app (SQLite, demo data): what its commune's officer reads, and that nobody else reads it.</summary>
public sealed class DossierPageTests : AppTestHost
{
    private Guid _dossier;

    protected override async Task SeedAsync()
    {
        await CreateOfficialAsync("xa.khac", "commune:00706", Roles.CommuneOfficer);
        await using var scope = App.Services.CreateAsyncScope();
        var lan = (await scope.ServiceProvider.GetRequiredService<OrganisationService>().FindOfficialAsync("xa.lan", null, CancellationToken.None))!;
        var dossiers = scope.ServiceProvider.GetRequiredService<DossierService>();
        _dossier = (await dossiers.OpenAsync(lan, new OpenDossierRequest("00700", RecognitionTier.Ntm, 2025, null, null, "*", new DateOnly(2025, 9, 15), null), CancellationToken.None)).Id;
        await dossiers.SetIndicatorAsync(lan, _dossier, "1.1", new IndicatorValueRequest(JsonDocument.Parse("true").RootElement, true, "Quy hoạch được duyệt năm 2023"), CancellationToken.None);
        await dossiers.SetIndicatorAsync(lan, _dossier, "17.10", new IndicatorValueRequest(JsonDocument.Parse("40").RootElement, false, null), CancellationToken.None);
    }

    [Fact]
    public async Task The_communes_officer_reads_the_dossier_with_its_indicators_step_and_timeline()
    {
        using var lan = await SignedInAsync("xa.lan");
        var response = await lan.GetAsync($"/dossiers/{_dossier}");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("2025-NTM-00700 · Xã Ngọc Đường", html, StringComparison.Ordinal);
        Assert.Contains("Đang xét", html, StringComparison.Ordinal);
        Assert.Contains("Xã tự đánh giá mức đạt từng tiêu chí", html, StringComparison.Ordinal);
        Assert.Contains("1. Quy hoạch", html, StringComparison.Ordinal);
        Assert.Contains("19. Quốc phòng và An ninh", html, StringComparison.Ordinal);
        Assert.Contains("data-indicator=\"17.10\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"unmet\" data-indicator=\"17.10\"", html, StringComparison.Ordinal);
        Assert.Contains("Mở hồ sơ", html, StringComparison.Ordinal);
        Assert.Contains("Hạn dựa trên tham số pháp lý chưa được xác minh", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_self_assessment_shows_the_communes_threshold_once_one_is_entered_and_computes_met_from_it()
    {
        using var lan = await SignedInAsync("xa.lan");
        var page = $"/dossiers/{_dossier}/self-assessment";
        Assert.DoesNotContain("Ngưỡng của xã", await lan.GetStringAsync(page), StringComparison.Ordinal);

        await OkAsync("admin", HttpMethod.Put, "/api/criteria-sets/xa-ntm-2021-2025/indicators/2.1/thresholds/*", new { value = 90, source = "Quyết định của tỉnh (thử nghiệm)" });
        var saved = await PageForms.PostFormAsync(lan, page, $"{page}?handler=Indicator", new() { ["number"] = "2.1", ["value"] = "85,5" });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var html = await lan.GetStringAsync(page);
        Assert.Contains("Ngưỡng của xã: ≥ 90 %", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-indicator=\"2.1\" class=\"unmet\">", html, StringComparison.Ordinal); // 85,5 is below 90: computed, not stated
    }

    [Fact]
    public async Task The_officer_saves_indicators_one_by_one_and_completing_names_every_missing_item()
    {
        using var lan = await SignedInAsync("xa.lan");
        var page = $"/dossiers/{_dossier}/self-assessment";
        var html = await lan.GetStringAsync(page);
        Assert.Contains("data-indicator=\"2.1\"", html, StringComparison.Ordinal);
        Assert.Contains("Quy hoạch được duyệt năm 2023", html, StringComparison.Ordinal);

        // A row saved by its button (no script): a Vietnamese decimal comma reads as a number.
        var saved = await PageForms.PostFormAsync(lan, page, $"{page}?handler=Indicator", new() { ["number"] = "2.1", ["value"] = "92,5", ["met"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Contains("value=\"92.5\"", await lan.GetStringAsync(page), StringComparison.Ordinal);

        // The page's script saves with fetch and gets the refusal as JSON; nothing is stored.
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{page}?handler=Indicator");
        var token = await PageForms.TokenAsync(lan, page);
        request.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["number"] = "2.1", ["value"] = "140", ["met"] = "true", ["__RequestVerificationToken"] = token });
        request.Headers.Add("X-Requested-With", "fetch");
        var refused = await lan.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var answer = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.False(answer.GetProperty("ok").GetBoolean());
        Assert.Contains("2.1", answer.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("value=\"92.5\"", await lan.GetStringAsync(page), StringComparison.Ordinal);

        // Completing too early lists every missing indicator and leaves the step where it was.
        var complete = await PageForms.PostFormAsync(lan, page, $"{page}?handler=Complete", []);
        Assert.Equal(HttpStatusCode.Redirect, complete.StatusCode);
        var problems = await lan.GetStringAsync(page);
        Assert.Contains("Chưa thể hoàn thành: còn 55 mục cần bổ sung", problems, StringComparison.Ordinal);
        Assert.Contains("indicator 19.2 has no value", problems, StringComparison.Ordinal);

        // The recognition conditions are recorded on the same page; the debt box can be cleared again.
        var conditions = await PageForms.PostFormAsync(lan, page, $"{page}?handler=Conditions", new()
        {
            ["satisfactionPercent"] = "96.5", ["postedFrom"] = "2025-10-01", ["postedTo"] = "2025-10-15", ["commentsReceived"] = "2",
            ["constructionDebtCleared"] = "true", ["securityOrder"] = "NotComplicated",
        });
        Assert.Equal(HttpStatusCode.Redirect, conditions.StatusCode);
        var recorded = await lan.GetStringAsync(page);
        Assert.Contains("value=\"96.5\"", recorded, StringComparison.Ordinal);
        Assert.Contains("value=\"2025-10-15\"", recorded, StringComparison.Ordinal);
        Assert.Contains("Hoàn thành tự đánh giá", recorded, StringComparison.Ordinal);
        await PageForms.PostFormAsync(lan, page, $"{page}?handler=Conditions", new() { ["constructionDebtCleared"] = "false" });
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var stored = await scope.ServiceProvider.GetRequiredService<DossierService>().LoadAsync(_dossier, CancellationToken.None);
            Assert.Equal((false, 96.5m, SecurityOrderStatus.NotComplicated), (stored.ConstructionDebtCleared, stored.SatisfactionPercent, stored.SecurityOrder));
        }

        using var other = await SignedInAsync("xa.khac");
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync(page)).StatusCode);
    }

    [Fact]
    public async Task The_coordination_office_reviews_on_the_review_page_and_a_department_sees_only_its_indicators()
    {
        await using (var scope = App.Services.CreateAsyncScope())
        {
            // The commune has filled in, posted and submitted (through the service, as the API journey test does on the API).
            var dossiers = scope.ServiceProvider.GetRequiredService<DossierService>();
            var lan = (await scope.ServiceProvider.GetRequiredService<OrganisationService>().FindOfficialAsync("xa.lan", null, CancellationToken.None))!;
            var set = await scope.ServiceProvider.GetRequiredService<CriteriaCatalog>().GetSetAsync("xa-ntm-2021-2025", CancellationToken.None);
            foreach (var indicator in set!.Criteria.SelectMany(c => c.Indicators))
            {
                var value = indicator.Kind switch { MeasurementKind.YesNo => "true", MeasurementKind.Rating => "\"Hoàn thành tốt\"", _ => "80" };
                await dossiers.SetIndicatorAsync(lan, _dossier, indicator.Number, new IndicatorValueRequest(JsonDocument.Parse(value).RootElement, true, null), CancellationToken.None);
            }

            await dossiers.CompleteCommuneStepAsync(lan, _dossier, CommuneStep.SelfAssessment, CancellationToken.None);
            await dossiers.SetConditionsAsync(lan, _dossier, new ConditionsRequest(95, 900, true, SecurityOrderStatus.NotComplicated,
                new DateOnly(2025, 10, 1), new DateOnly(2025, 10, 20), 0, null), CancellationToken.None);
            await dossiers.CompleteCommuneStepAsync(lan, _dossier, CommuneStep.PostingAndSurvey, CancellationToken.None);
            await dossiers.CompleteCommuneStepAsync(lan, _dossier, CommuneStep.Submit, CancellationToken.None);
        }

        using var vpdp = await SignedInAsync("vpdp");
        var intake = await TaskAsync("intake");
        var page = $"/dossiers/{_dossier}/review/{intake}";
        var html = await vpdp.GetStringAsync(page);
        Assert.Contains("data-indicator=\"19.2\"", html, StringComparison.Ordinal);
        Assert.Contains("Trả lại bổ sung", html, StringComparison.Ordinal);

        // A return without saying what to fix is refused on the page; with a disagreed indicator it goes back to the commune.
        Assert.Equal(HttpStatusCode.Redirect, (await PageForms.PostFormAsync(vpdp, page, page, new() { ["decision"] = "return" })).StatusCode);
        Assert.Contains("a return needs a reason or the list of items to fix", await vpdp.GetStringAsync(page), StringComparison.Ordinal);
        var returned = await PageForms.PostFormAsync(vpdp, page, page, new()
        {
            ["decision"] = "return", ["finding-17.10"] = "disagree", ["reason-17.10"] = "Thiếu biên bản kiểm tra phân loại rác", ["finding-1.1"] = "agree",
        });
        Assert.Equal($"/dossiers/{_dossier}", returned.Headers.Location?.OriginalString);
        var dossier = await vpdp.GetStringAsync($"/dossiers/{_dossier}");
        Assert.Contains("Xã bổ sung, hoàn thiện hồ sơ", dossier, StringComparison.Ordinal);
        Assert.Contains("Trả lại bổ sung", dossier, StringComparison.Ordinal);

        // The commune's officer may not take the review page of the office's task.
        using var lanClient = await SignedInAsync("xa.lan");
        Assert.Equal(HttpStatusCode.NotFound, (await lanClient.GetAsync(page)).StatusCode);

        // The commune fixes 17.10 and resubmits: the next review shows what changed since the return.
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var dossiers = scope.ServiceProvider.GetRequiredService<DossierService>();
            var lan = (await scope.ServiceProvider.GetRequiredService<OrganisationService>().FindOfficialAsync("xa.lan", null, CancellationToken.None))!;
            await dossiers.SetIndicatorAsync(lan, _dossier, "17.10", new IndicatorValueRequest(JsonDocument.Parse("85").RootElement, true, "Đã bổ sung biên bản"), CancellationToken.None);
            await dossiers.CompleteCommuneStepAsync(lan, _dossier, CommuneStep.Submit, CancellationToken.None);
        }

        var again = await vpdp.GetStringAsync($"/dossiers/{_dossier}/review/{await TaskAsync("intake")}");
        Assert.Contains("data-indicator=\"17.10\" class=\" changed\"", again, StringComparison.Ordinal);
        Assert.Contains("80 →", again, StringComparison.Ordinal);
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(again, "class=\"was\""));
    }

    private async Task<Guid> TaskAsync(string elementId)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var dossiers = scope.ServiceProvider.GetRequiredService<DossierService>();
        return (await dossiers.OpenTasksAsync(await dossiers.LoadAsync(_dossier, CancellationToken.None), CancellationToken.None)).Single(t => t.ElementId == elementId).Id;
    }

    [Fact]
    public async Task Another_communes_officer_is_refused_with_a_readable_page_and_an_unknown_dossier_is_not_found()
    {
        using var other = await SignedInAsync("xa.khac");
        var refused = await other.GetAsync($"/dossiers/{_dossier}");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.DoesNotContain("Xã Ngọc Đường", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/dossiers/{Guid.NewGuid()}")).StatusCode);

        using var visitor = App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Redirect, (await visitor.GetAsync($"/dossiers/{_dossier}")).StatusCode);
    }
}

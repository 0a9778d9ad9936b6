using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Testing;

namespace NtmWorkflow.Web.Tests.Accounts;

public sealed class HomeAndSignInTests : IClassFixture<HomeAndSignInTests.App>
{
    private readonly App _app;

    public HomeAndSignInTests(App app) => _app = app;

    [Fact]
    public async Task The_home_page_is_in_Vietnamese_with_the_product_name_and_a_sign_in_link()
    {
        using var client = _app.CreateClient();
        var html = await client.GetStringAsync("/");
        Assert.Contains("<html lang=\"vi\">", html, StringComparison.Ordinal);
        Assert.Contains("NtmWorkflow", html, StringComparison.Ordinal);
        Assert.Contains("Xét, công nhận xã đạt chuẩn nông thôn mới", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/account/sign-in\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task English_is_one_click_away_and_remembered()
    {
        using var client = _app.CreateClient();
        var switched = await client.GetAsync("/culture/en?returnUrl=%2F");
        Assert.Equal(HttpStatusCode.OK, switched.StatusCode);
        var html = await switched.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains("Recognising communes that meet the New Rural Development standards", html, StringComparison.Ordinal);
        Assert.Contains("Tiếng Việt", await client.GetStringAsync("/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_language_is_a_problem_details_error()
    {
        using var client = _app.CreateClient();
        var response = await client.GetAsync("/culture/xx");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("'xx' is not one of: vi, en", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_after_switching_language_stays_on_this_site()
    {
        using var client = _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await client.GetAsync("/culture/en?returnUrl=%2F%2Fevil.example");
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_missing_page_says_so_in_Vietnamese()
    {
        using var client = _app.CreateClient();
        var response = await client.GetAsync("/khong-co-trang-nay");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Không tìm thấy trang", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_demo_official_signs_in_and_sees_name_and_role()
    {
        using var client = _app.CreateClient();
        var response = await SignInAsync(client, "xa.lan", "NtmDemo@2026");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Xin chào, Nguyễn Thị Lan", html, StringComparison.Ordinal);
        Assert.Contains("Cán bộ phụ trách NTM xã", html, StringComparison.Ordinal);
        Assert.Contains("account.signedIn", await AuditedAsync("xa.lan"));
    }

    [Fact]
    public async Task The_home_page_lists_an_officials_tasks_and_marks_a_deadline_resting_on_an_unverified_value()
    {
        var engine = _app.Services.GetRequiredService<NtmWorkflow.Engine.Runtime.WorkflowEngine>();
        await engine.StartAsync("ntm-commune-two-tier", new Dictionary<string, System.Text.Json.Nodes.JsonNode?>
        {
            ["communeCode"] = "00700", ["provinceCode"] = "08", ["departments"] = new System.Text.Json.Nodes.JsonArray(), ["councilMembers"] = new System.Text.Json.Nodes.JsonArray(),
        }, "2025-NTM-00700-HOME");

        using var lan = _app.CreateClient();
        var html = await (await SignInAsync(lan, "xa.lan", "NtmDemo@2026")).Content.ReadAsStringAsync();
        Assert.Contains("Việc cần xử lý", html, StringComparison.Ordinal);
        Assert.Contains("Xã tự đánh giá mức đạt từng tiêu chí", html, StringComparison.Ordinal);
        Assert.Contains("2025-NTM-00700-HOME", html, StringComparison.Ordinal);
        Assert.Contains("Hạn dựa trên tham số pháp lý chưa được xác minh", html, StringComparison.Ordinal);
        Assert.Contains("title=\"selfAssessment.workingDays\"", html, StringComparison.Ordinal);

        using var hoa = _app.CreateClient();
        var other = await (await SignInAsync(hoa, "so.hoa", "NtmDemo@2026")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("2025-NTM-00700-HOME", other, StringComparison.Ordinal);
    }

    /// <summary>The audit actions recorded for a user's sign-ins.</summary>
    private async Task<List<string>> AuditedAsync(string userName)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NtmWorkflow.Web.Persistence.AppDbContext>();
        return await db.AuditEntries.Where(a => a.Subject == $"user/{userName}" && a.Action.StartsWith("account.")).Select(a => a.Action).ToListAsync();
    }

    [Fact]
    public async Task A_wrong_password_gets_a_readable_message()
    {
        using var client = _app.CreateClient();
        var html = await (await SignInAsync(client, "hd.son", "sai-mat-khau")).Content.ReadAsStringAsync();
        Assert.Contains("Tên đăng nhập hoặc mật khẩu không đúng.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Xin chào", html, StringComparison.Ordinal);
        Assert.Contains("account.signInFailed", await AuditedAsync("hd.son"));
    }

    [Fact]
    public async Task An_empty_form_names_the_missing_fields()
    {
        using var client = _app.CreateClient();
        var html = await (await SignInAsync(client, "", "")).Content.ReadAsStringAsync();
        Assert.Contains("Vui lòng nhập Tên đăng nhập.", html, StringComparison.Ordinal);
        Assert.Contains("Vui lòng nhập Mật khẩu.", html, StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string userName, string password) => PageForms.SignInAsync(client, userName, password);

    public sealed class App : IAsyncLifetime
    {
        private readonly TemporaryDirectory _data = new();
        private NtmWorkflowAppFactory? _factory;

        public IServiceProvider Services => _factory!.Services;

        public HttpClient CreateClient(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions? options = null) =>
            options is null ? _factory!.CreateClient() : _factory!.CreateClient(options);

        public Task InitializeAsync()
        {
            _factory = new NtmWorkflowAppFactory(_data);
            return Task.CompletedTask;
        }

        public async Task DisposeAsync()
        {
            if (_factory is not null)
            {
                await _factory.DisposeAsync();
            }

            _data.Dispose();
        }
    }
}

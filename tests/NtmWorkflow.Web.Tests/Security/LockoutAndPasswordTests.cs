using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using NtmWorkflow.Web.Features.Accounts;

namespace NtmWorkflow.Web.Tests.Security;

/// <summary>
/// Lockout and the password policy, from the "Identity" settings: here 3 failed sign-ins lock an account for 30 minutes
/// (the defaults are 5 and 15), and the locked account cannot sign in even with its right password; the default policy
/// asks 12 characters with upper- and lower-case letters, a digit and a symbol, and the demo accounts still meet it.
/// </summary>
public sealed class LockoutAndPasswordTests : AppTestHost
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Identity:Lockout:MaxFailedAccessAttempts"] = "3";
        settings["Identity:Lockout:DefaultLockoutTimeSpan"] = "00:30:00";
    }

    [Fact]
    public async Task Failed_sign_ins_lock_the_account_with_a_readable_message_and_the_right_password_then_fails_too()
    {
        using var client = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        for (var i = 1; i <= 2; i++)
        {
            var wrong = await PageForms.SignInAsync(client, "xa.binh", "Sai@MatKhau2026");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains("Tên đăng nhập hoặc mật khẩu không đúng.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var third = await PageForms.SignInAsync(client, "xa.binh", "Sai@MatKhau2026");
        Assert.Contains("Tài khoản tạm khoá vì đăng nhập sai nhiều lần. Vui lòng thử lại sau 30 phút.", await third.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var right = await PageForms.SignInAsync(client, "xa.binh");
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("thử lại sau 30 phút", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(right.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("ntm.auth=", StringComparison.Ordinal) && !c.StartsWith("ntm.auth=;", StringComparison.Ordinal)));

        // Another account is untouched, and signs in with the demo password (which meets the policy).
        Assert.Equal(HttpStatusCode.Redirect, (await PageForms.SignInAsync(App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }), "xa.sinh")).StatusCode);
    }

    [Theory]
    [InlineData("Ngan@2026", "PasswordTooShort")]
    [InlineData("khongcochuhoa@2026", "PasswordRequiresUpper")]
    [InlineData("KHONGCOCHUTHUONG@2026", "PasswordRequiresLower")]
    [InlineData("KhongCoChuSo@abc", "PasswordRequiresDigit")]
    [InlineData("KhongCoKyTu2026", "PasswordRequiresNonAlphanumeric")]
    [InlineData("Aa1@Aa1@Aa1@", "PasswordRequiresUniqueChars")]
    [InlineData("NtmDemo@2026", null)]
    public async Task The_password_policy_asks_twelve_characters_of_four_kinds(string password, string? refusal)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var result = await users.CreateAsync(new AppUser { UserName = "mat.khau", FullName = "Mật Khẩu" }, password);
        if (refusal is null)
        {
            Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Code)));
        }
        else
        {
            Assert.Contains(refusal, result.Errors.Select(e => e.Code));
        }
    }
}

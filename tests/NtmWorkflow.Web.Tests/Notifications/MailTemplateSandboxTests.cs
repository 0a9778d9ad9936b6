using NtmWorkflow.Web.Features.Notifications;

namespace NtmWorkflow.Web.Tests.Notifications;

/// <summary>
/// Mail templates are Liquid written by administrators: a template that loops or grows its text without bound is
/// refused with a message when it renders (the mail becomes an incident or a refused preview), never a node out of
/// memory; ordinary templates render as Liquid does.
/// </summary>
public sealed class MailTemplateSandboxTests
{
    private static readonly Dictionary<string, object?> Model = new() { ["commune"] = "Xã Ngọc Đường", ["items"] = new List<object?> { "1.1", "17.8" } };

    [Theory]
    [InlineData("{% for i in (1..100000000) %}x{% endfor %}", "maximum")]
    [InlineData("{% assign s = 'xx' %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}", "append")]
    [InlineData("{% assign s = 'xx' %}{% for i in (1..40) %}{% assign s = s | prepend: s %}{% endfor %}{{ s | size }}", "prepend")]
    [InlineData("{% assign s = 'xxxxxxxxxx' %}{% for i in (1..40) %}{% assign s = s | replace: 'x', s %}{% endfor %}{{ s | size }}", "replace")]
    [InlineData("{{ (1..100000000) | join: 'abcdefghij' }}", "join")]
    public void A_runaway_template_is_stopped_with_a_message(string template, string expected)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => EmailNotificationHandler.RenderTemplate(template, "the test template", Model));
        Assert.Contains(expected, refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_bounded_filters_still_render_as_Liquid_does()
    {
        const string template = "{{ commune | append: '!' | prepend: '» ' }} {{ items | join: ', ' }} {{ commune | replace: 'Xã', 'xã' }} {{ items | join }}";
        Assert.Equal("» Xã Ngọc Đường! 1.1, 17.8 xã Ngọc Đường 1.1 17.8", EmailNotificationHandler.RenderTemplate(template, "the test template", Model));
    }
}

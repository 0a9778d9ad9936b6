using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NtmWorkflow.Engine.Runtime;
using NtmWorkflow.Testing;

namespace NtmWorkflow.Web.Tests.Calendar;

/// <summary>Office hours per province come from configuration and reach the engine; a bad value stops start-up with its name.</summary>
public sealed class OfficeHoursSettingsTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();

    private IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:DataDirectory"] = _data.Path, ["Workflows:BackgroundWorkers"] = "false" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddNtmWorkflow();
        return builder.Build();
    }

    [Fact]
    public void A_province_with_its_own_office_hours_counts_its_instances_deadlines_with_them()
    {
        using var host = Build(new Dictionary<string, string?> { ["Calendar:ProvinceOfficeHours:10"] = "07:00-11:30,13:00-16:30" });
        var engine = host.Services.GetRequiredService<WorkflowEngine>();
        Assert.Equal(new TimeOnly(16, 30), engine.CalendarFor(new Dictionary<string, JsonNode?> { ["provinceCode"] = "10" }).Hours.AfternoonEnd);
        Assert.Equal(new TimeOnly(17, 0), engine.CalendarFor(new Dictionary<string, JsonNode?> { ["provinceCode"] = "01" }).Hours.AfternoonEnd);
        Assert.Equal(new TimeOnly(17, 0), engine.CalendarFor(new Dictionary<string, JsonNode?>()).Hours.AfternoonEnd);
    }

    [Fact]
    public void Malformed_province_office_hours_stop_start_up_naming_the_setting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Build(new Dictionary<string, string?> { ["Calendar:ProvinceOfficeHours:10"] = "sáng 7 giờ" }));
        Assert.Contains("Calendar:ProvinceOfficeHours:10", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _data.Dispose();
}

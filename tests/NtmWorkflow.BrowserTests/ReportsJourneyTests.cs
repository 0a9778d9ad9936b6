using MiniExcelLibs;
using NtmWorkflow.Testing;
using OpenQA.Selenium;

namespace NtmWorkflow.BrowserTests;

/// <summary>
/// Anh Tuấn's monthly look at the programme, in Chromium on PostgreSQL: the dashboard of a province whose figures
/// are known (<see cref="ProgrammeSeed"/>) draws its charts, a figure leads to the dossiers behind it, and the list's
/// Excel export downloads and reads back with the same rows; then the same from a timeliness figure to its tasks.
/// </summary>
public sealed class ReportsJourneyTests : BrowserTestHost
{
    protected override async Task SeedAsync() => await ProgrammeSeed.SeedAsync(App.Services);

    [Fact]
    public void The_dashboard_drills_down_to_the_dossiers_and_tasks_behind_a_figure_and_their_Excel_files_read_back()
    {
        SignIn("admin");
        Go("/reports?province=01&year=2026");

        // The charts library drew each figure (SVG renderer), from the numbers of the table beside it.
        Browser.Find("#chart-levels svg");
        Browser.Find("#chart-timeliness-steps svg");
        Assert.Equal("1", Browser.Find("#level-Advanced td").Text);

        // "17.8 is unmet in 1 commune" → that commune's dossier.
        Browser.Find("[id='unmet-17.8'] a").Click();
        Assert.Equal("1 hồ sơ.", Browser.Find("#dossier-count").Text);
        var dossierRows = Browser.Driver.FindElements(By.CssSelector("#report-dossiers tbody tr"));
        Assert.Contains("T-3-4", Assert.Single(dossierRows).Text, StringComparison.Ordinal);

        Browser.Find("#export-excel").Click();
        using (var file = new MemoryStream(Browser.Downloaded(".xlsx")))
        {
            var row = Assert.Single(MiniExcel.Query(file, useHeaderRow: true).Cast<IDictionary<string, object?>>());
            Assert.Equal("T-3-4", row["Hồ sơ"]);
            Assert.Equal("1.2, 17.8", row["Chỉ tiêu chưa đạt"]);
        }

        // Back on the dashboard: "the departments' review step was late twice" → those two tasks.
        foreach (var earlier in Directory.EnumerateFiles(Browser.Downloads))
        {
            File.Delete(earlier);
        }

        Browser.Find("#back-to-dashboard").Click();
        var late = Browser.Find("#timeliness-steps-departmentReview").FindElements(By.CssSelector("td a"))[2];
        Assert.Equal("2", late.Text);
        late.Click();
        Assert.Equal("2 việc.", Browser.Find("#task-count").Text);
        Assert.Equal(2, Browser.Driver.FindElements(By.CssSelector("#report-tasks tbody tr")).Count);

        Browser.Find("#export-excel").Click();
        using (var file = new MemoryStream(Browser.Downloaded(".xlsx")))
        {
            var rows = MiniExcel.Query(file, useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
            Assert.Equal(2, rows.Count);
            Assert.All(rows, r => Assert.Equal("Quá hạn", r["Tiến độ"]));
            Assert.All(rows, r => Assert.Equal("Sở ngành thẩm định", r["Bước"]));
        }

        Browser.Screenshot("reports-tasks");
    }
}

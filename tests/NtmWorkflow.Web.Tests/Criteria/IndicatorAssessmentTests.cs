using NtmWorkflow.Web.Features.Criteria;

namespace NtmWorkflow.Web.Tests.Criteria;

/// <summary>A reported value checked against its indicator's kind and, where known, its threshold.</summary>
public sealed class IndicatorAssessmentTests
{
    private static IndicatorRow Indicator(MeasurementKind kind, ThresholdDirection direction = ThresholdDirection.AtLeast, params IndicatorThresholdRow[] thresholds)
    {
        var indicator = new IndicatorRow { Number = "9.9", Name = "Thử", Kind = kind, Direction = direction, DefaultDepartmentKind = "y-te" };
        indicator.Thresholds.AddRange(thresholds);
        return indicator;
    }

    private static IndicatorThresholdRow Threshold(string scope, decimal? value = null, string? scale = null, string? minimum = null) =>
        new() { Scope = scope, Value = value, RatingScale = scale, MinimumRating = minimum, Source = "thử" };

    [Theory]
    [InlineData("true", null, true, null)]
    [InlineData("false", null, true, null)]
    [InlineData("true", "*", true, true)]
    [InlineData("false", "*", true, false)]
    [InlineData("yes", "*", false, null)]
    [InlineData("1", "*", false, null)]
    [InlineData("", "*", false, null)]
    [InlineData(null, "*", false, null)]
    public void Yes_no(string? value, string? thresholdScope, bool valid, bool? met)
    {
        var indicator = thresholdScope is null ? Indicator(MeasurementKind.YesNo) : Indicator(MeasurementKind.YesNo, ThresholdDirection.AtLeast, Threshold(thresholdScope));
        var result = CriteriaCatalog.Assess(indicator, "tay-nguyen", value);
        Assert.Equal((valid, met), (result.Valid, result.Met));
        Assert.Equal(valid, result.Error is null);
    }

    [Theory]
    [InlineData("80", true, null)]
    [InlineData("0", true, null)]
    [InlineData("100", true, null)]
    [InlineData("100.5", false, null)]
    [InlineData("-1", false, null)]
    [InlineData("80,5", false, null)]
    [InlineData("abc", false, null)]
    public void Percent_without_a_threshold(string value, bool valid, bool? met)
    {
        var result = CriteriaCatalog.Assess(Indicator(MeasurementKind.Percent), "tay-nguyen", value);
        Assert.Equal((valid, met), (result.Valid, result.Met));
    }

    [Theory]
    [InlineData("tay-nguyen", "79.9", false)]
    [InlineData("tay-nguyen", "80", true)]
    [InlineData("dong-nam-bo", "89.99", false)]
    [InlineData("dong-nam-bo", "90", true)]
    [InlineData(null, "90", true)]
    public void Percent_at_least_the_scope_s_threshold_or_everywhere(string? scope, string value, bool met)
    {
        var indicator = Indicator(MeasurementKind.Percent, ThresholdDirection.AtLeast, Threshold("*", 80), Threshold("dong-nam-bo", 90));
        Assert.Equal(new IndicatorAssessment(true, null, met), CriteriaCatalog.Assess(indicator, scope, value));
    }

    [Theory]
    [InlineData("1.5", true)]
    [InlineData("2", true)]
    [InlineData("2.01", false)]
    public void Percent_at_most(string value, bool met)
    {
        var poverty = Indicator(MeasurementKind.Percent, ThresholdDirection.AtMost, Threshold("nhom-2", 2));
        Assert.Equal(met, CriteriaCatalog.Assess(poverty, "nhom-2", value).Met);
        Assert.Null(CriteriaCatalog.Assess(poverty, "nhom-1", value).Met);
    }

    [Theory]
    [InlineData(MeasurementKind.Amount, "45", true, true)]
    [InlineData(MeasurementKind.Amount, "44.9", true, false)]
    [InlineData(MeasurementKind.Amount, "1000000", true, true)]
    [InlineData(MeasurementKind.Amount, "-3", false, null)]
    [InlineData(MeasurementKind.Amount, "45 triệu", false, null)]
    [InlineData(MeasurementKind.Amount, "1,000", false, null)]
    [InlineData(MeasurementKind.Points, "80", true, true)]
    [InlineData(MeasurementKind.Points, "79.5", true, false)]
    [InlineData(MeasurementKind.Points, "-80", false, null)]
    [InlineData(MeasurementKind.Points, "tám mươi", false, null)]
    public void Amounts_and_points(MeasurementKind kind, string value, bool valid, bool? met)
    {
        var indicator = Indicator(kind, ThresholdDirection.AtLeast, Threshold("*", kind == MeasurementKind.Amount ? 45 : 80));
        var result = CriteriaCatalog.Assess(indicator, "bac-trung-bo", value);
        Assert.Equal((valid, met), (result.Valid, result.Met));
        Assert.Equal(valid, result.Error is null);
    }

    [Theory]
    [InlineData("Hoàn thành xuất sắc", true, true)]
    [InlineData("Hoàn thành tốt", true, true)]
    [InlineData("Hoàn thành", true, false)]
    [InlineData("Không hoàn thành", true, false)]
    [InlineData("Tốt", false, null)]
    [InlineData("", false, null)]
    public void Ratings_on_the_threshold_s_scale(string value, bool valid, bool? met)
    {
        var indicator = Indicator(MeasurementKind.Rating, ThresholdDirection.AtLeast,
            Threshold("*", scale: "Không hoàn thành,Hoàn thành,Hoàn thành tốt,Hoàn thành xuất sắc", minimum: "Hoàn thành tốt"));
        var result = CriteriaCatalog.Assess(indicator, "nhom-3", value);
        Assert.Equal((valid, met), (result.Valid, result.Met));
    }

    [Fact]
    public void A_rating_without_a_known_scale_is_taken_as_written()
    {
        Assert.Equal(new IndicatorAssessment(true, null, null), CriteriaCatalog.Assess(Indicator(MeasurementKind.Rating), "nhom-3", "Hoàn thành tốt"));
        Assert.False(CriteriaCatalog.Assess(Indicator(MeasurementKind.Rating), "nhom-3", " ").Valid);
    }
}

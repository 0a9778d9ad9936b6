using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Engine.Expressions;
using NtmWorkflow.Engine.Runtime;

namespace NtmWorkflow.Engine.Tests.Runtime;

/// <summary>
/// The expressions of one instance step share one sandbox (a Jint engine costs far more to build than an expression to
/// run). Each evaluation still sees only its own variables, runs under its own limits, and cannot replace the host's
/// functions; a variable named like a built-in gets a sandbox of its own, as every expression did before.
/// </summary>
public sealed class ExpressionStepTests
{
    private static ExpressionEvaluator.Step NewStep(ExpressionLimits? limits = null) =>
        new ExpressionEvaluator(new FakeTimeProvider(TestEngine.Start), new WorkingCalendar(new VietnameseWorkingDays([])), limits).ForStep();

    private static Dictionary<string, JsonNode?> Vars(params (string Name, JsonNode? Value)[] variables) =>
        variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);

    [Fact]
    public void A_variable_one_evaluation_saw_is_gone_from_the_next_that_does_not_have_it()
    {
        var step = NewStep();
        Assert.Equal("commune-00745", step.Evaluate("commune-${communeCode}", Vars(("communeCode", "00745")))!.GetValue<string>());

        var missing = Assert.Throws<ExpressionException>(() => step.Evaluate("${communeCode}", Vars(("provinceCode", "01"))));
        Assert.Contains("communeCode is not defined", missing.Message, StringComparison.Ordinal);
        Assert.Equal("01", step.Evaluate("${provinceCode}", Vars(("provinceCode", "01")))!.GetValue<string>());
        Assert.Equal(2, step.Evaluate("${communeCode.length}", Vars(("communeCode", "08")))!.GetValue<long>()); // set again, with its new value
    }

    [Fact]
    public void Each_evaluation_has_the_whole_statement_limit_to_itself()
    {
        // 60 evaluations of 70 statements each, against a limit of 100 per evaluation: none is stopped.
        var step = NewStep(new ExpressionLimits(TimeSpan.FromSeconds(2), 100, 64, 16 * 1024 * 1024));
        const string Spin = "${(function () { var n = 0; for (var i = 0; i < 30; i++) { n++; } return n; })()}";
        for (var i = 0; i < 60; i++)
        {
            Assert.Equal(30, step.Evaluate(Spin, Vars())!.GetValue<long>());
        }

        var stopped = Assert.Throws<ExpressionException>(() => step.Evaluate("${(function () { for (;;) { } })()}", Vars()));
        Assert.Contains("stopped", stopped.Message, StringComparison.Ordinal);
        Assert.Equal(30, step.Evaluate(Spin, Vars())!.GetValue<long>()); // and the sandbox serves the next one
    }

    [Fact]
    public void The_host_functions_cannot_be_replaced_by_an_expression()
    {
        var step = NewStep();
        Assert.Throws<ExpressionException>(() => step.Evaluate("${(addWorkingDays = null, 1)}", Vars()));
        Assert.Throws<ExpressionException>(() => step.Evaluate("${delete globalThis.param}", Vars()));
        Assert.Equal("function function", step.Evaluate("${typeof addWorkingDays + ' ' + typeof param}", Vars())!.GetValue<string>());
    }

    [Fact]
    public void A_variable_named_like_a_built_in_is_evaluated_in_a_sandbox_of_its_own_and_the_built_in_survives()
    {
        var step = NewStep();
        Assert.Equal(5, step.Evaluate("${Date}", Vars(("Date", 5)))!.GetValue<long>());
        Assert.Equal(0, step.Evaluate("${new Date(0).getTime()}", Vars(("score", 1)))!.GetValue<long>());
    }

    [Fact]
    public void The_unverified_parameters_read_are_told_to_the_evaluation_that_read_them()
    {
        var parameters = new FixedParameters(new Dictionary<string, ProcessParameter>
        {
            ["intake.workingDays"] = new(JsonValue.Create(7), Verified: false),
            ["decision.workingDays"] = new(JsonValue.Create(5), Verified: true),
        });
        var step = new ExpressionEvaluator(new FakeTimeProvider(TestEngine.Start), _ => new WorkingCalendar(new VietnameseWorkingDays([])), parameters).ForStep();
        var first = new HashSet<string>(StringComparer.Ordinal);
        var second = new HashSet<string>(StringComparer.Ordinal);

        Assert.Equal(7, step.Evaluate("${param('intake.workingDays')}", Vars(), first)!.GetValue<long>());
        Assert.Equal(5, step.Evaluate("${param('decision.workingDays')}", Vars(), second)!.GetValue<long>());

        Assert.Equal(["intake.workingDays"], first);
        Assert.Empty(second);
    }

    private sealed class FixedParameters(Dictionary<string, ProcessParameter> values) : IProcessParameters
    {
        public ProcessParameter? Find(string name, IReadOnlyDictionary<string, JsonNode?> variables) => values.GetValueOrDefault(name);
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using NtmWorkflow.Engine.Calendar;
using NtmWorkflow.Engine.Runtime;

namespace NtmWorkflow.Engine.Expressions;

/// <summary>An expression or script that failed: bad syntax, a runtime error, or a sandbox limit.</summary>
internal sealed class ExpressionException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Limits on one evaluation, so a bad expression cannot stall or exhaust the engine.</summary>
/// <remarks>
/// Jint checks time, statements and memory between statements, so one built-in call could still allocate without
/// bound (<c>'x'.repeat(1e9)</c>, a join or JSON of one big string referenced many times): arrays are capped by
/// Jint, strings from the built-ins that multiply text by the sandbox's prelude, and a value leaving the sandbox by
/// <see cref="MaxValueLength"/> (which also stops a value that refers to itself).
/// </remarks>
internal sealed record ExpressionLimits(TimeSpan Timeout, int MaxStatements, int MaxRecursion, long MaxMemoryBytes, int MaxArrayLength = 100_000, int MaxValueLength = 1_000_000)
{
    public static ExpressionLimits Default { get; } = new(TimeSpan.FromSeconds(2), 100_000, 64, 16 * 1024 * 1024);

    /// <summary>How deep a value leaving the sandbox may nest.</summary>
    public const int MaxValueDepth = 64;
}

/// <summary>
/// Runs <c>${ … }</c> expressions and script tasks in Jint, sandboxed: no CLR access, no eval, and
/// limits on time, statements, recursion and memory. Process variables are globals; <c>now()</c> and
/// JavaScript's <c>Date</c> read the engine clock; <c>addWorkingDays(t, n)</c>, <c>workingDaysBetween(a, b)</c>,
/// <c>workingDayStart(t)</c>, <c>workingMinutesBetween(a, b)</c> and <c>addWorkingMinutes(t, m)</c> use the
/// engine's working calendar; <c>later(a, b)</c> is the later of two instants; <c>param(name)</c> reads a
/// parameter the host supplies (legal deadlines and thresholds). Time zone: Vietnam (UTC+07:00).
/// The expressions of one instance step share one sandbox (<see cref="Step"/>); a script gets one of its own.
/// </summary>
internal sealed class ExpressionEvaluator(
    TimeProvider clock,
    Func<IReadOnlyDictionary<string, JsonNode?>, WorkingCalendar> calendarFor,
    IProcessParameters? parameters = null,
    ExpressionLimits? limits = null)
{
    public ExpressionEvaluator(TimeProvider clock, WorkingCalendar calendar, ExpressionLimits? limits = null)
        : this(clock, _ => calendar, null, limits)
    {
    }

    private static readonly TimeZoneInfo Vietnam = TimeZoneInfo.CreateCustomTimeZone("Asia/Ho_Chi_Minh (fixed +07:00)", VietnamTime.Offset, "Vietnam", "Vietnam");
    private readonly ExpressionLimits _limits = limits ?? ExpressionLimits.Default;

    /// <summary>Runs first in every sandbox: the built-ins that multiply text refuse a result longer than the limit.</summary>
    private Prepared<Acornima.Ast.Script>? _prelude;

    private const string PreludeSource = """
        function now() { return new Date(); }
        (function (max) {
            function guard(owner, name, length) {
                var original = owner[name];
                Object.defineProperty(owner, name, replaceable(function () {
                    if (length.apply(this, arguments) > max) { throw new RangeError(name + ' would give more than ' + max + ' characters'); }
                    return original.apply(this, arguments);
                }));
            }
            // Built property by property: an object literal would make a shape-backed object (see ToJs).
            function replaceable(value) { var d = new Object(); d.writable = true; d.configurable = true; d.value = value; return d; }
            function size(v) { return v === undefined || v === null ? 0 : typeof v === 'string' ? v.length : 24; }
            guard(String.prototype, 'repeat', function (n) { return String(this).length * Number(n); });
            guard(String.prototype, 'padStart', function (n) { return Number(n); });
            guard(String.prototype, 'padEnd', function (n) { return Number(n); });
            guard(Array.prototype, 'join', function (separator) {
                var between = separator === undefined ? 1 : String(separator).length, total = 0;
                for (var i = 0; i < this.length && total <= max; i++) { total += size(this[i]) + (i > 0 ? between : 0); }
                return total;
            });
            var stringify = JSON.stringify;
            Object.defineProperty(JSON, 'stringify', replaceable(function (value, replacer, space) {
                var total = 0, listed = Array.isArray(replacer) ? replacer.map(String) : null, own = typeof replacer === 'function' ? replacer : null;
                return stringify(value, function (key, v) {
                    if (listed !== null && key !== '' && !Array.isArray(this) && listed.indexOf(key) < 0) { return undefined; }
                    var out = own === null ? v : own.call(this, key, v);
                    total += key.length + size(out) + (space ? 32 : 8);
                    if (total > max) { throw new RangeError('JSON.stringify would give more than ' + max + ' characters'); }
                    return out;
                }, space);
            }));
        })
        """;

    /// <summary>
    /// Evaluates a text that may hold expressions; a text without any is returned as a string. The names of
    /// unverified parameters it read are added to <paramref name="unverified"/>, when given.
    /// </summary>
    public JsonNode? Evaluate(string text, IReadOnlyDictionary<string, JsonNode?> variables, ISet<string>? unverified = null) =>
        Evaluate(text, variables, unverified, null);

    /// <summary>The evaluations of one step of one instance, which share a sandbox (see <see cref="Step"/>).</summary>
    public Step ForStep() => new(this);

    private JsonNode? Evaluate(string text, IReadOnlyDictionary<string, JsonNode?> variables, ISet<string>? unverified, Step? step)
    {
        ArgumentNullException.ThrowIfNull(text);
        IReadOnlyList<Expression.Segment> segments;
        try
        {
            segments = Expression.Split(text);
        }
        catch (FormatException e)
        {
            throw new ExpressionException(e.Message, e);
        }

        if (segments.Count == 0)
        {
            return JsonValue.Create("");
        }

        if (!segments.Any(s => s.IsCode))
        {
            return JsonValue.Create(text);
        }

        var engine = step?.Bind(variables, unverified) ?? CreateEngine(variables, null, unverified);
        if (segments is [{ IsCode: true } only])
        {
            return ToJson(_limits, Run(engine, "(" + only.Text + "\n)", only.Text));
        }

        var builder = new System.Text.StringBuilder();
        foreach (var segment in segments)
        {
            builder.Append(segment.IsCode ? ToText(ToJson(_limits, Run(engine, "(" + segment.Text + "\n)", segment.Text))) : segment.Text);
        }

        return JsonValue.Create(builder.ToString());
    }

    /// <summary>Evaluates a condition: the value must be a boolean.</summary>
    public bool EvaluateCondition(string text, IReadOnlyDictionary<string, JsonNode?> variables) => EvaluateCondition(text, variables, null);

    private bool EvaluateCondition(string text, IReadOnlyDictionary<string, JsonNode?> variables, Step? step)
    {
        if (text is "true" or "false")
        {
            return text == "true";
        }

        var value = Evaluate(text, variables, null, step);
        return value is JsonValue v && v.TryGetValue<bool>(out var result)
            ? result
            : throw new ExpressionException($"the condition {text} gave {ToText(value)}, not true or false");
    }

    /// <summary>
    /// Runs a script task. <c>execution.setVariable(name, value)</c> and <c>execution.getVariable(name)</c>
    /// work as in Camunda; the script's completion value is returned (for camunda:resultVariable).
    /// </summary>
    public (JsonNode? Result, IReadOnlyDictionary<string, JsonNode?> SetVariables) RunScript(string script, IReadOnlyDictionary<string, JsonNode?> variables)
    {
        var set = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var engine = CreateEngine(variables, set, null);
        var result = ToJson(_limits, Run(engine, script, "the script"));
        return (result, set);
    }

    public static string? CheckExpressionSyntax(string code) => CheckSyntax("(" + code + "\n)");

    public static string? CheckScriptSyntax(string script) => CheckSyntax(script);

    private static string? CheckSyntax(string code)
    {
        try
        {
            Jint.Engine.PrepareScript(code);
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return e.Message;
        }
    }

    private Jint.Engine CreateEngine(IReadOnlyDictionary<string, JsonNode?> variables, Dictionary<string, JsonNode?>? scriptVariables, ISet<string>? unverified)
    {
        // The instance's own calendar: its province's office hours where they differ.
        var sandbox = new Sandbox { Variables = variables, Unverified = unverified, Calendar = calendarFor(variables) };
        var engine = NewEngine();
        foreach (var (name, value) in variables)
        {
            engine.SetValue(name, ToJs(engine, value));
        }

        Arm(engine, sandbox);
        if (scriptVariables is not null)
        {
            var execution = new JsObject(engine);
            execution.Set("setVariable", JsValue.FromObject(engine, new Action<string, JsValue>((name, value) => scriptVariables[name] = ToJson(_limits, value))));
            execution.Set("getVariable", JsValue.FromObject(engine, new Func<string, JsValue>(name =>
                scriptVariables.TryGetValue(name, out var set) ? ToJs(engine, set)
                : variables.TryGetValue(name, out var known) ? ToJs(engine, known) : JsValue.Undefined)));
            engine.SetValue("execution", execution);
        }

        return engine;
    }

    private WorkingCalendar CalendarFor(IReadOnlyDictionary<string, JsonNode?> variables) => calendarFor(variables);

    private Jint.Engine NewEngine() =>
        new(options =>
        {
            options.Strict = true;
            options.Host.StringCompilationAllowed = false;
            options.TimeZone = Vietnam;
            options.Culture = CultureInfo.InvariantCulture;
            options.TimeSystem = new EngineTimeSystem(clock, Vietnam);
            options.TimeoutInterval(_limits.Timeout);
            options.MaxStatements(_limits.MaxStatements);
            options.LimitRecursion(_limits.MaxRecursion);
            options.LimitMemory(_limits.MaxMemoryBytes);
            options.Constraints.MaxArraySize = (uint)_limits.MaxArrayLength;
            options.Constraints.RegexTimeout = _limits.Timeout;
        });

    /// <summary>The prelude and the host's functions, which read the sandbox's calendar, variables and parameter log at each call.</summary>
    private void Arm(Jint.Engine engine, Sandbox sandbox)
    {
        _prelude ??= Jint.Engine.PrepareScript(PreludeSource + "(" + _limits.MaxValueLength.ToString(CultureInfo.InvariantCulture) + ");");
        engine.Execute(_prelude.Value);
        Define(engine, "addWorkingDays", new Func<JsValue, JsValue, JsValue>((t, n) =>
            engine.Construct("Date", sandbox.Calendar.AddWorkingDays(ToInstant(t, "addWorkingDays"), ToWholeNumber(n, "addWorkingDays", -100_000, 100_000)).ToUnixTimeMilliseconds())));
        Define(engine, "workingDaysBetween", new Func<JsValue, JsValue, JsValue>((a, b) =>
            sandbox.Calendar.WorkingDaysBetween(ToInstant(a, "workingDaysBetween"), ToInstant(b, "workingDaysBetween"))));
        Define(engine, "workingDayStart", new Func<JsValue, JsValue>(t =>
            engine.Construct("Date", sandbox.Calendar.StartOfWorkingDay(ToInstant(t, "workingDayStart")).ToUnixTimeMilliseconds())));
        Define(engine, "workingMinutesBetween", new Func<JsValue, JsValue, JsValue>((a, b) =>
            Math.Round(sandbox.Calendar.WorkingTimeBetween(ToInstant(a, "workingMinutesBetween"), ToInstant(b, "workingMinutesBetween")).TotalMinutes)));
        Define(engine, "addWorkingMinutes", new Func<JsValue, JsValue, JsValue>((t, n) =>
            engine.Construct("Date", sandbox.Calendar.AddWorkingTime(ToInstant(t, "addWorkingMinutes"), TimeSpan.FromMinutes(ToWholeNumber(n, "addWorkingMinutes", 0, 10_000_000))).ToUnixTimeMilliseconds())));
        Define(engine, "later", new Func<JsValue, JsValue, JsValue>((a, b) =>
        {
            var (x, y) = (ToInstant(a, "later"), ToInstant(b, "later"));
            return engine.Construct("Date", (x >= y ? x : y).ToUnixTimeMilliseconds());
        }));

        Define(engine, "param", new Func<JsValue, JsValue>(name =>
        {
            if (!name.IsString() || name.AsString() is not { Length: > 0 and <= 200 } key)
            {
                throw new ExpressionException($"param needs the name of a parameter, not {name}");
            }

            if (parameters?.Find(key, sandbox.Variables) is not { } parameter)
            {
                throw new ExpressionException($"the parameter '{key}' is not defined");
            }

            if (!parameter.Verified)
            {
                sandbox.Unverified?.Add(key);
            }

            return ToJs(engine, parameter.Value);
        }));
    }

    /// <summary>A host function the expressions cannot replace or delete (they may share a sandbox within a step).</summary>
    private static void Define(Jint.Engine engine, string name, Delegate function) =>
        engine.Global.DefineOwnProperty(name, new PropertyDescriptor(JsValue.FromObject(engine, function), PropertyFlag.None));

    /// <summary>
    /// A JSON value as a JavaScript one, built directly rather than through JSON.parse: the parser makes shape-backed
    /// objects, whose per-engine weak table every sandbox would leave to the finalizer thread (a sandbox per evaluation).
    /// </summary>
    private static JsValue ToJs(Jint.Engine engine, JsonNode? node)
    {
        switch (node)
        {
            case null:
                return JsValue.Null;
            case JsonObject o:
                var target = new JsObject(engine);
                foreach (var (key, value) in o)
                {
                    target.CreateDataProperty(key, ToJs(engine, value)); // an own property, even "__proto__", as JSON.parse makes it
                }

                return target;
            case JsonArray a:
                var items = new JsValue[a.Count];
                for (var i = 0; i < items.Length; i++)
                {
                    items[i] = ToJs(engine, a[i]);
                }

                return new JsArray(engine, items);
            default:
                // A value read from JSON or made from a CLR value (an int, a decimal): its kind says what it is either way.
                return node.GetValueKind() switch
                {
                    System.Text.Json.JsonValueKind.String => new JsString(node.GetValue<string>()),
                    System.Text.Json.JsonValueKind.Number => JsNumber.Create(double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)),
                    System.Text.Json.JsonValueKind.True => JsBoolean.True,
                    System.Text.Json.JsonValueKind.False => JsBoolean.False,
                    _ => JsValue.Null,
                };
        }
    }

    private static JsValue Run(Jint.Engine engine, string code, string shown)
    {
        try
        {
            return engine.Evaluate(code);
        }
        catch (JavaScriptException e)
        {
            throw new ExpressionException($"{shown} failed: {e.Message}", e);
        }
        catch (Exception e) when (e is TimeoutException or StatementsCountOverflowException or RecursionDepthOverflowException or MemoryLimitExceededException)
        {
            throw new ExpressionException($"{shown} was stopped: {e.Message}", e);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or ExpressionException))
        {
            throw new ExpressionException($"{shown} failed: {e.Message}", e);
        }
    }

    private static DateTimeOffset ToInstant(JsValue value, string function)
    {
        if (value is JsDate date)
        {
            return new DateTimeOffset(date.ToDateTime(), TimeSpan.Zero);
        }

        if (value.IsString() && IsoTimer.TryParseDate(value.AsString(), out var parsed))
        {
            return parsed;
        }

        throw new ExpressionException($"{function} needs a date or an ISO 8601 date-time, not {value}");
    }

    private static int ToWholeNumber(JsValue value, string function, int min, int max) =>
        value.IsNumber() && value.AsNumber() is var n && n == Math.Floor(n) && n >= min && n <= max
            ? (int)n
            : throw new ExpressionException($"{function} needs a whole number from {min} to {max}, not {value}");

    /// <summary>A JavaScript value as JSON; dates become ISO 8601 strings in Vietnam time.</summary>
    public static JsonNode? ToJson(JsValue value) => ToJson(ExpressionLimits.Default, value);

    /// <summary>A value leaving the sandbox, within the limits: a self-referring or huge value is refused, not followed.</summary>
    private static JsonNode? ToJson(ExpressionLimits limits, JsValue value)
    {
        var budget = limits.MaxValueLength;
        return Convert(value, 0);

        JsonNode? Convert(JsValue value, int depth)
        {
            if (depth > ExpressionLimits.MaxValueDepth)
            {
                throw new ExpressionException($"an expression gave a value nested more than {ExpressionLimits.MaxValueDepth} levels deep (or one that refers to itself)");
            }

            if ((budget -= value.IsString() ? value.AsString().Length + 2 : 8) < 0)
            {
                throw new ExpressionException($"an expression gave a value longer than {limits.MaxValueLength} characters");
            }

            switch (value)
            {
                case JsArray array:
                    var list = new JsonArray();
                    for (uint i = 0; i < array.Length; i++)
                    {
                        list.Add(Convert(array.Get(i), depth + 1));
                    }

                    return list;
                case ObjectInstance obj when value.IsObject() && value is not JsDate && value is not Jint.Native.Function.Function && !value.IsString() && !value.IsNumber() && !value.IsBoolean():
                    var json = new JsonObject();
                    foreach (var key in obj.GetOwnPropertyKeys(Types.String))
                    {
                        budget -= key.AsString().Length;
                        json[key.AsString()] = Convert(obj.Get(key), depth + 1);
                    }

                    return json;
                default:
                    return ToJsonValue(value);
            }
        }
    }

    private static JsonValue? ToJsonValue(JsValue value)
    {
        switch (value)
        {
            case JsDate date:
                return JsonValue.Create(VietnamTime.Format(new DateTimeOffset(date.ToDateTime(), TimeSpan.Zero)));
            case Jint.Native.Function.Function:
                throw new ExpressionException("an expression gave a function, which cannot be stored");
        }

        if (value.IsNull() || value.IsUndefined())
        {
            return null;
        }

        if (value.IsBoolean())
        {
            return JsonValue.Create(value.AsBoolean());
        }

        if (value.IsNumber())
        {
            var number = value.AsNumber();
            if (double.IsNaN(number) || double.IsInfinity(number))
            {
                throw new ExpressionException($"an expression gave {number}, which is not a number that can be stored");
            }

            return number == Math.Floor(number) && Math.Abs(number) < 9e15 ? JsonValue.Create((long)number) : JsonValue.Create(number);
        }

        return JsonValue.Create(value.ToString());
    }

    /// <summary>How a value reads inside a text template and in messages.</summary>
    public static string ToText(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => value.ToJsonString(),
    };

    /// <summary>Jint's clock and zone: the engine clock, Vietnam time.</summary>
    /// <summary>What the host's functions in a sandbox read, set before each evaluation so that one engine can serve several.</summary>
    private sealed class Sandbox
    {
        public required IReadOnlyDictionary<string, JsonNode?> Variables { get; set; }

        public ISet<string>? Unverified { get; set; }

        public required WorkingCalendar Calendar { get; set; }
    }

    /// <summary>
    /// The expressions of one step of one instance (a task's due date and candidate groups, its four reminder timers, the
    /// gateway after it): they share one sandbox, since building a Jint engine with its prelude costs far more than an
    /// expression (tens of kilobytes and a fraction of a millisecond, several times a step). Before each evaluation the
    /// globals are set to the variables it sees and those it does not see are deleted, and the limits apply to each
    /// evaluation on its own. Not shared between instances or steps, so no expression sees another instance's sandbox;
    /// scripts always get a sandbox of their own. Not thread-safe: one step runs on one thread at a time.
    /// </summary>
    internal sealed class Step(ExpressionEvaluator evaluator)
    {
        private Jint.Engine? _engine;
        private Sandbox? _sandbox;
        private HashSet<string> _builtIn = [];
        private readonly HashSet<string> _bound = new(StringComparer.Ordinal);

        public JsonNode? Evaluate(string text, IReadOnlyDictionary<string, JsonNode?> variables, ISet<string>? unverified = null) =>
            evaluator.Evaluate(text, variables, unverified, this);

        public bool EvaluateCondition(string text, IReadOnlyDictionary<string, JsonNode?> variables) => evaluator.EvaluateCondition(text, variables, this);

        public (JsonNode? Result, IReadOnlyDictionary<string, JsonNode?> SetVariables) RunScript(string script, IReadOnlyDictionary<string, JsonNode?> variables) =>
            evaluator.RunScript(script, variables);

        /// <summary>The shared engine with these variables as its globals; null when a variable is named like a built-in (then a fresh engine, as before).</summary>
        internal Jint.Engine? Bind(IReadOnlyDictionary<string, JsonNode?> variables, ISet<string>? unverified)
        {
            if (_engine is null)
            {
                _sandbox = new Sandbox { Variables = variables, Calendar = evaluator.CalendarFor(variables) };
                _engine = evaluator.NewEngine();
                evaluator.Arm(_engine, _sandbox);
                _builtIn = [.. _engine.Global.GetOwnPropertyKeys().Select(k => k.ToString())];
            }

            if (variables.Keys.Any(_builtIn.Contains))
            {
                return null;
            }

            _sandbox!.Variables = variables;
            _sandbox.Unverified = unverified;
            _sandbox.Calendar = evaluator.CalendarFor(variables);
            foreach (var gone in _bound.Where(name => !variables.ContainsKey(name)).ToList())
            {
                _engine.Global.Delete(gone);
                _bound.Remove(gone);
            }

            foreach (var (name, value) in variables)
            {
                _engine.SetValue(name, ToJs(_engine, value));
                _bound.Add(name);
            }

            return _engine;
        }
    }

    private sealed class EngineTimeSystem(TimeProvider clock, TimeZoneInfo zone) : ITimeSystem
    {
        private readonly DefaultTimeSystem _default = new(zone, CultureInfo.InvariantCulture);

        public DateTimeOffset GetUtcNow() => clock.GetUtcNow();

        public TimeZoneInfo DefaultTimeZone => zone;

        public bool TryParse(string date, out long epochMilliseconds) => _default.TryParse(date, out epochMilliseconds);

        public TimeSpan GetUtcOffset(long epochMilliseconds) => zone.BaseUtcOffset;
    }
}

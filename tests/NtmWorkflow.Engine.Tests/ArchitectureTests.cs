using System.Reflection;
using System.Text;

namespace NtmWorkflow.Engine.Tests;

public sealed class ArchitectureTests
{
    private static readonly Assembly Engine = typeof(NtmWorkflow.Engine.Calendar.WorkingCalendar).Assembly;

    [Fact]
    public void The_engine_references_no_web_database_scheduler_or_mail_library()
    {
        string[] forbidden = ["Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore", "Quartz", "MailKit", "MimeKit", "Npgsql", "NtmWorkflow.Web"];
        var references = Engine.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.DoesNotContain(references, r => forbidden.Any(f => r.StartsWith(f, StringComparison.Ordinal)));
    }

    /// <summary>
    /// The engine's public surface is listed in PublicApi.txt. When this fails, read the diff in the
    /// message: an intended change means updating PublicApi.txt (the test writes PublicApi.received.txt
    /// beside it to copy from); an unintended one means something became public by mistake.
    /// </summary>
    [Fact]
    public void The_public_surface_is_the_one_listed_in_PublicApi_txt()
    {
        var approvedPath = Path.Combine(SourceDirectory(), "PublicApi.txt");
        var actual = PublicApi.Describe(Engine);
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : "";
        if (actual != approved)
        {
            File.WriteAllText(Path.ChangeExtension(approvedPath, ".received.txt"), actual);
            var added = actual.Split('\n').Except(approved.Split('\n')).Select(l => "+ " + l);
            var removed = approved.Split('\n').Except(actual.Split('\n')).Select(l => "- " + l);
            Assert.Fail("The engine's public API changed:\n" + string.Join('\n', added.Concat(removed)));
        }
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}

/// <summary>One line per public type and member, sorted, so a diff shows exactly what changed.</summary>
internal static class PublicApi
{
    public static string Describe(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes())
        {
            var typeName = Name(type);
            lines.Add($"{Kind(type)} {typeName}" + (type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && !type.IsEnum ? " : " + Name(b) : "")
                      + string.Concat(type.GetInterfaces().Select(i => ", " + Name(i)).Order(StringComparer.Ordinal)));
            const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var member in type.GetMembers(flags))
            {
                var line = member switch
                {
                    ConstructorInfo c => $"{typeName} :: new({Parameters(c)})",
                    // Members every record or object has say nothing about the surface.
                    MethodInfo m when m.Name.StartsWith('<') || m.Name is "Equals" or "GetHashCode" or "ToString" or "Deconstruct" => null,
                    MethodInfo m when !m.IsSpecialName => $"{typeName} :: {(m.IsStatic ? "static " : "")}{Name(m.ReturnType)} {m.Name}({Parameters(m)})",
                    PropertyInfo p => $"{typeName} :: {Name(p.PropertyType)} {p.Name} {{{(p.GetMethod?.IsPublic == true ? " get;" : "")}{(p.SetMethod?.IsPublic == true ? " set;" : "")} }}",
                    FieldInfo f when type.IsEnum && f.IsStatic => $"{typeName} :: {f.Name}",
                    FieldInfo f when !type.IsEnum => $"{typeName} :: {(f.IsStatic ? "static " : "")}{(f.IsInitOnly ? "readonly " : "")}{Name(f.FieldType)} {f.Name}",
                    EventInfo e => $"{typeName} :: event {Name(e.EventHandlerType!)} {e.Name}",
                    _ => null,
                };
                if (line is not null)
                {
                    lines.Add(line);
                }
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return new StringBuilder().AppendJoin('\n', lines).Append('\n').ToString();
    }

    private static string Kind(Type t) =>
        t.IsInterface ? "interface" : t.IsEnum ? "enum" : t.IsValueType ? "struct" : t.IsAbstract && t.IsSealed ? "static class" : t.IsAbstract ? "abstract class" : t.IsSealed ? "sealed class" : "class";

    private static string Parameters(MethodBase m) => string.Join(", ", m.GetParameters().Select(p => $"{Name(p.ParameterType)} {p.Name}" + (p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : "")));

    private static string Name(Type t)
    {
        if (Nullable.GetUnderlyingType(t) is { } inner)
        {
            return Name(inner) + "?";
        }

        if (!t.IsGenericType)
        {
            return t.FullName ?? t.Name;
        }

        var name = t.GetGenericTypeDefinition().FullName!;
        return name[..name.IndexOf('`', StringComparison.Ordinal)] + "<" + string.Join(", ", t.GetGenericArguments().Select(Name)) + ">";
    }
}

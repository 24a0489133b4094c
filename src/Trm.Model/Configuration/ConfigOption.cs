using System.Reflection;

namespace Trm.Model.Configuration;

/// <summary>
/// One settable option of a configuration record: its reference (snake_case) name, the .NET property behind it and
/// its value type. Options are how the reference's names (<c>H_cycles</c>, <c>pos_encodings</c>) are mapped to the typed
/// records in both directions — by the override parser, the JSON reader/writer and the <c>IConfiguration</c> binder.
/// </summary>
public sealed class ConfigOption
{
    private readonly PropertyInfo _property;
    private readonly MethodInfo _clone;

    internal ConfigOption(string name, PropertyInfo property, string? description = null, bool fromDataset = false)
    {
        Name = name;
        _property = property;
        _clone = property.DeclaringType!.GetMethod("<Clone>$")
            ?? throw new ArgumentException($"{property.DeclaringType!.Name} is not a record", nameof(property));
        Description = description;
        FromDataset = fromDataset;
    }

    /// <summary>The reference's name, relative to its section (e.g. <c>H_cycles</c>).</summary>
    public string Name { get; }

    /// <summary>The .NET property name (e.g. <c>HCycles</c>), accepted wherever <see cref="Name"/> is.</summary>
    public string PropertyName => _property.Name;

    /// <summary>The property's type (nullable when the option may be unset).</summary>
    public Type ValueType => _property.PropertyType;

    /// <summary>Whether the value may be <see langword="null"/>.</summary>
    public bool AllowsNull => !ValueType.IsValueType ? NullableReference : Nullable.GetUnderlyingType(ValueType) is not null;

    /// <summary>What the option means, when documented.</summary>
    public string? Description { get; }

    /// <summary>Whether the value normally comes from the dataset (vocabulary size, sequence length, ...) rather than the user.</summary>
    public bool FromDataset { get; }

    private bool NullableReference => new NullabilityInfoContext().Create(_property).WriteState == NullabilityState.Nullable;

    /// <summary>Whether <paramref name="key"/> names this option, as the reference spells it or as the property is named.</summary>
    /// <param name="key">A key as a user wrote it.</param>
    /// <param name="ignoreCase">Compare without case (configuration providers are case-insensitive).</param>
    public bool Matches(string key, bool ignoreCase = false)
    {
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return string.Equals(key, Name, comparison) || string.Equals(key, PropertyName, comparison);
    }

    /// <summary>The option's value in <paramref name="target"/>.</summary>
    /// <param name="target">A record of the declaring type.</param>
    public object? Get(object target) => _property.GetValue(target);

    /// <summary>A copy of the record <paramref name="target"/> with this option set to <paramref name="value"/>.</summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="target">The record.</param>
    /// <param name="value">A value of <see cref="ValueType"/>.</param>
    public T With<T>(T target, object? value) where T : class
    {
        ArgumentNullException.ThrowIfNull(target);
        var copy = (T)_clone.Invoke(target, null)!;
        _property.SetValue(copy, value);
        return copy;
    }

    /// <summary>Options for the properties of <typeparamref name="T"/> named in <paramref name="names"/> (reference name → property name).</summary>
    /// <typeparam name="T">A record type.</typeparam>
    /// <param name="names">Pairs of reference name and property name.</param>
    /// <param name="fromDataset">Reference names whose values come from the dataset.</param>
    public static IReadOnlyList<ConfigOption> For<T>(IEnumerable<(string Name, string Property)> names, params string[] fromDataset) where T : class =>
        [.. names.Select(n => new ConfigOption(n.Name, typeof(T).GetProperty(n.Property) ?? throw new InvalidOperationException($"{typeof(T).Name}.{n.Property} does not exist"),
            fromDataset: fromDataset.Contains(n.Name)))];

    /// <summary>Options for every property of <typeparamref name="T"/> that carries a <see cref="System.Text.Json.Serialization.JsonPropertyNameAttribute"/> (its name is the reference name).</summary>
    /// <typeparam name="T">A record type.</typeparam>
    public static IReadOnlyList<ConfigOption> FromJsonNames<T>() where T : class =>
        [.. typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (p, a: p.GetCustomAttribute<System.Text.Json.Serialization.JsonPropertyNameAttribute>()))
            .Where(x => x.a is not null)
            .Select(x => new ConfigOption(x.a!.Name, x.p))];
}

using System.Globalization;

namespace Trm.Rl.Tasks;

/// <summary>
/// A weighted mixture of tasks, written <c>gsm8k:0.45,math:0.20,mmlu_science:0.10</c> (a name alone weighs 1); the
/// weights are normalised to sum to 1. Names are unique (case-insensitive). Immutable.
/// </summary>
public sealed class TaskMix
{
    private readonly double[] _cumulative;

    private TaskMix(IReadOnlyList<(string Name, double Weight)> entries)
    {
        Entries = entries;
        _cumulative = new double[entries.Count];
        double sum = 0;
        for (int i = 0; i < entries.Count; i++) _cumulative[i] = sum += entries[i].Weight;
        _cumulative[^1] = 1.0;
    }

    /// <summary>The tasks with their normalised weights (summing to 1), in the order written.</summary>
    public IReadOnlyList<(string Name, double Weight)> Entries { get; }

    /// <summary>Parses a mix such as <c>gsm8k:0.45,math:0.20</c>.</summary>
    /// <exception cref="FormatException">An empty spec, an entry without a name, a weight that is not a finite number ≥ 0, a repeated name, or weights summing to 0; the message names the entry.</exception>
    public static TaskMix Parse(string spec)
    {
        if (string.IsNullOrWhiteSpace(spec)) throw new FormatException("task mix: empty (write e.g. gsm8k:0.45,addition:0.55)");
        var entries = new List<(string, double)>();
        foreach (var raw in spec.Split(',', StringSplitOptions.TrimEntries))
        {
            if (raw.Length == 0) throw new FormatException($"task mix '{spec}': an empty entry");
            int colon = raw.LastIndexOf(':');
            var name = (colon < 0 ? raw : raw[..colon]).Trim();
            double weight = 1;
            if (colon >= 0 && !double.TryParse(raw[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out weight))
                throw new FormatException($"task mix '{spec}': entry '{raw}' has weight '{raw[(colon + 1)..]}', not a number");
            if (name.Length == 0) throw new FormatException($"task mix '{spec}': entry '{raw}' has no task name");
            entries.Add((name, weight));
        }
        return Create(entries, spec);
    }

    /// <summary>A mix of the given (name, weight) pairs, normalised.</summary>
    /// <exception cref="FormatException">See <see cref="Parse"/>.</exception>
    public static TaskMix Create(IEnumerable<(string Name, double Weight)> entries) => Create(entries.ToList(), null);

    private static TaskMix Create(List<(string Name, double Weight)> entries, string? spec)
    {
        var label = spec ?? string.Join(',', entries.Select(e => $"{e.Name}:{e.Weight.ToString(CultureInfo.InvariantCulture)}"));
        if (entries.Count == 0) throw new FormatException("task mix: no task");
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, weight) in entries)
        {
            if (string.IsNullOrWhiteSpace(name)) throw new FormatException($"task mix '{label}': an entry has no task name");
            if (!double.IsFinite(weight) || weight < 0) throw new FormatException($"task mix '{label}': task '{name}' has weight {weight.ToString(CultureInfo.InvariantCulture)} (must be a finite number ≥ 0)");
            if (!seen.Add(name)) throw new FormatException($"task mix '{label}': task '{name}' appears twice");
        }
        double total = entries.Sum(e => e.Weight);
        if (!(total > 0)) throw new FormatException($"task mix '{label}': the weights sum to 0");
        return new TaskMix(entries.Select(e => (e.Name, e.Weight / total)).ToArray());
    }

    /// <summary>Draws a task name with probability equal to its weight.</summary>
    public string Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double u = random.NextDouble();
        for (int i = 0; i < _cumulative.Length; i++)
        {
            if (u < _cumulative[i] && Entries[i].Weight > 0) return Entries[i].Name;
        }
        return Entries.Last(e => e.Weight > 0).Name;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Join(',', Entries.Select(e => $"{e.Name}:{e.Weight.ToString("0.####", CultureInfo.InvariantCulture)}"));
}

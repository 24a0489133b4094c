namespace Trm.Rl.Tasks;

/// <summary>
/// Draws problems from several tasks by a <see cref="TaskMix"/>: a task by weight, then a problem of it uniformly.
/// Every name in the mix must be one of the tasks. Deterministic for a given <see cref="Random"/>.
/// </summary>
public sealed class MixedTaskSampler
{
    private readonly Dictionary<string, IRlTask> _tasks;

    /// <summary>Creates the sampler.</summary>
    /// <exception cref="ArgumentException">A task in the mix is not given, or two tasks share a name.</exception>
    public MixedTaskSampler(TaskMix mix, IEnumerable<IRlTask> tasks)
    {
        Mix = mix ?? throw new ArgumentNullException(nameof(mix));
        ArgumentNullException.ThrowIfNull(tasks);
        _tasks = new Dictionary<string, IRlTask>(StringComparer.OrdinalIgnoreCase);
        foreach (var task in tasks)
        {
            if (!_tasks.TryAdd(task.Name, task)) throw new ArgumentException($"two tasks are named '{task.Name}'", nameof(tasks));
        }
        foreach (var (name, _) in mix.Entries)
        {
            if (!_tasks.ContainsKey(name))
                throw new ArgumentException($"task mix '{mix}': no task named '{name}' (have: {string.Join(", ", _tasks.Keys)})", nameof(mix));
        }
    }

    /// <summary>A sampler over one task (weight 1).</summary>
    public static MixedTaskSampler Single(IRlTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new MixedTaskSampler(TaskMix.Create([(task.Name, 1.0)]), [task]);
    }

    /// <summary>The mix.</summary>
    public TaskMix Mix { get; }

    /// <summary>The task named <paramref name="name"/>.</summary>
    public IRlTask Task(string name) => _tasks[name];

    /// <summary>Draws one problem.</summary>
    public RlProblem Next(Random random)
    {
        var task = _tasks[Mix.Sample(random)];
        return task.Problem(random.Next(task.Count));
    }
}

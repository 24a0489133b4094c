using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Trm.Core.IO;
using Trm.Data.Npy;

namespace Trm.Data.Puzzles.Arc;

/// <summary>
/// Builds an ARC-AGI dataset in the reference layout. Tasks added with <see cref="AddTrainingTasks"/> put all their
/// pairs into <c>train</c>; tasks added with <see cref="AddEvaluationTasks"/> put their demonstrations into
/// <c>train</c> and their test pairs into <c>test</c>, under the same puzzle identifier. Each task forms a group with
/// up to <see cref="WithAugmentations"/> augmented versions (<see cref="ArcAugmentation"/>: colour permutation and
/// dihedral transform; duplicates by content hash are skipped, at most 5 draws per wanted version), each its own
/// identifier named with its transform in <c>identifiers.json</c>. Training examples are translated to a random
/// offset on the canvas except one per puzzle. Also writes <c>test_puzzles.json</c> (the evaluation tasks as read).
/// Encoding: see <see cref="ArcEncoding"/>.
/// </summary>
public sealed class ArcDatasetBuilder
{
    private const int RetriesPerAugmentation = 5;
    private readonly List<(ArcTask Task, bool Evaluation)> _tasks = [];
    private long _seed = 42;
    private int _augmentations = 1000;
    private bool _translate = true;
    private int _identifierStart = 1;
    private ILogger _logger = NullLogger.Instance;

    /// <summary>Seed of shuffles, augmentations and translations (default 42, as the reference).</summary>
    public ArcDatasetBuilder WithSeed(long seed)
    {
        _seed = seed;
        return this;
    }

    /// <summary>Adds tasks (a folder of task files or a Kaggle-style challenges file, see <see cref="ArcTaskReader.Read"/>) whose pairs all go to <c>train</c> (e.g. ARC-AGI <c>training</c>).</summary>
    public ArcDatasetBuilder AddTrainingTasks(string path) => AddTasks(ArcTaskReader.Read(path), evaluation: false);

    /// <summary>Adds tasks whose demonstrations go to <c>train</c> and test pairs to <c>test</c> (e.g. ARC-AGI <c>evaluation</c>).</summary>
    public ArcDatasetBuilder AddEvaluationTasks(string path) => AddTasks(ArcTaskReader.Read(path), evaluation: true);

    /// <summary>Adds tasks already read; <paramref name="evaluation"/> selects the evaluation split rule.</summary>
    public ArcDatasetBuilder AddTasks(IEnumerable<ArcTask> tasks, bool evaluation)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        foreach (var t in tasks)
            _tasks.Add((t, evaluation));
        return this;
    }

    /// <summary>Augmented versions wanted per task (<c>num_aug</c>; default 1000 as the reference, 0 for none).</summary>
    public ArcDatasetBuilder WithAugmentations(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _augmentations = count;
        return this;
    }

    /// <summary>Whether training examples are translated on the canvas (default true).</summary>
    public ArcDatasetBuilder WithTranslation(bool enabled)
    {
        _translate = enabled;
        return this;
    }

    /// <summary>First identifier of the tasks (default 1; 0 is the blank). Larger values leave room to merge datasets.</summary>
    public ArcDatasetBuilder WithIdentifierStart(int start)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(start);
        _identifierStart = start;
        return this;
    }

    /// <summary>Logs a summary of the build and tasks whose augmentation fell short.</summary>
    public ArcDatasetBuilder WithLogger(ILogger logger)
    {
        _logger = logger ?? NullLogger.Instance;
        return this;
    }

    /// <summary>Runs <see cref="Build"/> on a worker thread (the SDK's rule: every dataset builder offers <c>Build</c> and <c>BuildAsync</c> with the same result).</summary>
    /// <param name="outputDirectory">The dataset folder to write.</param>
    /// <param name="progress">Receives progress reports.</param>
    /// <param name="cancellationToken">Stops the build; the previous dataset, if any, is left as it was.</param>
    public Task<PuzzleBuildResult> BuildAsync(string outputDirectory, IProgress<PuzzleBuildProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Task.Run(() => Build(outputDirectory, progress, cancellationToken), cancellationToken);

    /// <summary>Builds the dataset into <paramref name="outputDirectory"/> (replaced atomically when it exists).</summary>
    /// <exception cref="InvalidOperationException">No tasks were added, or two tasks share an id.</exception>
    public PuzzleBuildResult Build(string outputDirectory, IProgress<PuzzleBuildProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        if (_tasks.Count == 0)
            throw new InvalidOperationException("Add ARC tasks before building.");
        var duplicate = _tasks.GroupBy(t => t.Task.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidOperationException($"Task id '{duplicate.Key}' was added twice.");

        // Shuffle the task order within each subset, as the reference does.
        var order = new List<(ArcTask Task, bool Evaluation)>();
        foreach (var subset in new[] { false, true })
        {
            var tasks = _tasks.Where(t => t.Evaluation == subset).ToArray();
            new DeterministicRandom(_seed, subset ? 1 : 0).Shuffle(tasks.AsSpan());
            order.AddRange(tasks);
        }

        // Augment each task (in parallel; every task has its own random stream).
        var groups = new List<Version>[order.Count];
        var done = 0;
        Parallel.For(0, order.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            groups[i] = Augment(order[i].Task, order[i].Evaluation, new DeterministicRandom(_seed, 2, i));
            var n = Interlocked.Increment(ref done);
            progress?.Report(new PuzzleBuildProgress("augment", n, order.Count));
        });
        for (var i = 0; i < order.Count; i++)
            if (groups[i].Count < _augmentations + 1)
                _logger.LogWarning("Task {Task}: only {Count} distinct versions of {Wanted}", order[i].Task.Id, groups[i].Count, _augmentations + 1);

        // Identifiers in order of appearance (train split first), starting after the blank.
        var names = new List<string> { PuzzleIdentifiers.Blank };
        while (names.Count < _identifierStart)
            names.Add(PuzzleIdentifiers.Blank);
        var ids = new Dictionary<string, int>();
        foreach (var split in new[] { 0, 1 })
            foreach (var group in groups)
                foreach (var v in group.Where(v => v.Pairs[split].Count > 0))
                    if (ids.TryAdd(v.Name, names.Count))
                        names.Add(v.Name);

        var train = Encode(groups, 0, ids, translate: _translate, cancellationToken);
        var test = Encode(groups, 1, ids, translate: false, cancellationToken);
        var evaluationTasks = order.Where(t => t.Evaluation).Select(t => t.Task).ToList();
        var result = PuzzleDatasetWriter.Write(outputDirectory, train, test, names, ArcEncoding.VocabSize, ArcEncoding.Pad, progress, cancellationToken,
            root => AtomicFile.WriteAllText(Path.Combine(root, "test_puzzles.json"), TestPuzzlesJson(evaluationTasks)));
        _logger.LogInformation("ARC dataset written to {Output}: {Tasks} tasks, {Identifiers} identifiers, {Train} train and {Test} test puzzles",
            result.OutputDirectory, order.Count, names.Count, result.Train.TotalPuzzles, result.Test.TotalPuzzles);
        return result;
    }

    /// <summary>One version of a task: its name and its pairs per split (0 train, 1 test).</summary>
    private sealed record Version(string Name, List<ArcPair>[] Pairs);

    private List<Version> Augment(ArcTask task, bool evaluation, DeterministicRandom rng)
    {
        var original = new Version(task.Id, [[.. task.Train, .. evaluation ? [] : task.Test], evaluation ? [.. task.Test] : []]);
        var versions = new List<Version> { original };
        if (_augmentations == 0)
            return versions;
        var hashes = new HashSet<string> { Hash(original) };
        for (var trial = 0; trial < RetriesPerAugmentation * _augmentations && versions.Count < _augmentations + 1; trial++)
        {
            var aug = ArcAugmentation.Random(rng);
            var v = new Version(aug.Name(task.Id), [.. original.Pairs.Select(list => list.Select(p => new ArcPair(aug.Apply(p.Input), aug.Apply(p.Output))).ToList())]);
            if (hashes.Add(Hash(v)))
                versions.Add(v);
        }
        return versions;
    }

    /// <summary>Content hash of a version: the sorted hashes of its (input, output) pairs over both splits.</summary>
    private static string Hash(Version v)
    {
        var pairs = v.Pairs.SelectMany(list => list).Select(p => GridHash(p.Input) + "|" + GridHash(p.Output)).Order(StringComparer.Ordinal);
        return Convert.ToHexString(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(string.Join("|", pairs))));
    }

    private static string GridHash(byte[,] grid)
    {
        var bytes = new byte[2 + grid.Length];
        bytes[0] = (byte)grid.GetLength(0);
        bytes[1] = (byte)grid.GetLength(1);
        Buffer.BlockCopy(grid, 0, bytes, 2, grid.Length);
        return Convert.ToHexString(SHA256.HashData(bytes));
    }

    private PuzzleSet Encode(List<Version>[] groups, int split, Dictionary<string, int> ids, bool translate, CancellationToken cancellationToken)
    {
        var set = new PuzzleSetBuilder(ArcEncoding.SeqLen);
        for (var g = 0; g < groups.Length; g++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rng = new DeterministicRandom(_seed, 3 + split, g);
            var any = false;
            foreach (var v in groups[g])
            {
                var pairs = v.Pairs[split];
                if (pairs.Count == 0)
                    continue;
                // One example per puzzle keeps its place at the top-left corner.
                var keep = rng.Next(pairs.Count);
                for (var e = 0; e < pairs.Count; e++)
                {
                    var (input, output) = (pairs[e].Input, pairs[e].Output);
                    int dr = 0, dc = 0;
                    if (translate && e != keep)
                    {
                        dr = rng.Next(ArcEncoding.GridSize - Math.Max(input.GetLength(0), output.GetLength(0)) + 1);
                        dc = rng.Next(ArcEncoding.GridSize - Math.Max(input.GetLength(1), output.GetLength(1)) + 1);
                    }
                    set.AddExample(ArcEncoding.Encode(input, dr, dc), ArcEncoding.Encode(output, dr, dc));
                }
                set.EndPuzzle(ids[v.Name]);
                any = true;
            }
            if (any)
                set.EndGroup();
        }
        return set.Build();
    }

    private static string TestPuzzlesJson(List<ArcTask> tasks)
    {
        static int[][] Rows(byte[,] g) => [.. Enumerable.Range(0, g.GetLength(0)).Select(r => Enumerable.Range(0, g.GetLength(1)).Select(c => (int)g[r, c]).ToArray())];
        var dict = tasks.ToDictionary(t => t.Id, t => new Dictionary<string, object>
        {
            ["train"] = t.Train.Select(p => new { input = Rows(p.Input), output = Rows(p.Output) }).ToArray(),
            ["test"] = t.Test.Select(p => new { input = Rows(p.Input), output = Rows(p.Output) }).ToArray(),
        });
        return JsonSerializer.Serialize(dict);
    }
}

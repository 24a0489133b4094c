namespace Trm.Data.Puzzles;

/// <summary>
/// Iterates a puzzle split in batches with the reference's semantics.
/// <para>
/// Training mode (<see cref="EnumerateBatches"/>, one pass): for each set, the groups are shuffled with a generator
/// seeded by (<see cref="PuzzleDatasetOptions.Seed"/>, pass number) — <see cref="PuzzleDatasetOptions.EpochsPerIteration"/>
/// shuffles concatenated; for each group in that order one of its puzzles is picked at random and its examples are
/// taken in random order without replacement until the global batch of
/// <see cref="PuzzleDatasetOptions.GlobalBatchSize"/> is full (a puzzle that does not fit entirely contributes only
/// what fits); the last partial global batch is dropped; each rank receives rows
/// [rank·local, (rank+1)·local) of every global batch.
/// </para>
/// <para>
/// Test mode: every example of every set exactly once, in order, in global batches; each rank takes its slice and
/// short slices are padded with <see cref="PuzzleDatasetMetadata.PadId"/> inputs, <see cref="IgnoreLabel"/> labels and
/// the blank identifier.
/// </para>
/// The dataset is stateful (like the reference): <see cref="State"/> advances as batches are consumed, and
/// <see cref="Restore"/> returns to any state exactly. Not thread-safe. Dispose to release memory-mapped files.
/// </summary>
public sealed class PuzzleDataset : IDisposable
{
    /// <summary>The label value meaning "no loss" in batches (PyTorch's cross-entropy default).</summary>
    public const int IgnoreLabel = -100;

    private readonly PuzzleSplit[] _splits;
    private readonly (string Name, PuzzleSet Set)[] _sets;
    private PuzzleIteratorState _state = PuzzleIteratorState.Start;
    private (int[] Inputs, int[] Labels, int[] Identifiers)? _buffers;

    private PuzzleDataset(PuzzleDatasetOptions options, PuzzleSplit[] splits, PuzzleDatasetMetadata metadata, (string, PuzzleSet)[] sets)
    {
        Options = options;
        _splits = splits;
        Metadata = metadata;
        _sets = sets;
        LocalBatchSize = options.GlobalBatchSize / options.WorldSize;
    }

    /// <summary>The options the dataset was opened with.</summary>
    public PuzzleDatasetOptions Options { get; }

    /// <summary>The merged metadata (for several roots: identifiers, groups and puzzles summed, as the reference does).</summary>
    public PuzzleDatasetMetadata Metadata { get; }

    /// <summary>Tokens per example (the model's sequence length).</summary>
    public int SeqLen => Metadata.SeqLen;

    /// <summary>Token vocabulary size.</summary>
    public int VocabSize => Metadata.VocabSize;

    /// <summary>Size of the puzzle embedding table.</summary>
    public int NumPuzzleIdentifiers => Metadata.NumPuzzleIdentifiers;

    /// <summary>Rows per local batch: <see cref="PuzzleDatasetOptions.GlobalBatchSize"/> / <see cref="PuzzleDatasetOptions.WorldSize"/>.</summary>
    public int LocalBatchSize { get; }

    /// <summary>The sets iterated, in order (names of the second and later roots get the root's index appended, as in the reference).</summary>
    public IReadOnlyList<string> SetNames => [.. _sets.Select(s => s.Name)];

    /// <summary>Total examples over all sets.</summary>
    public long ExampleCount => _sets.Sum(s => (long)s.Set.ExampleCount);

    /// <summary>The state before the next batch.</summary>
    public PuzzleIteratorState State => _state;

    /// <summary>Opens the split <see cref="PuzzleDatasetOptions.Split"/> of every root and validates it.</summary>
    /// <exception cref="ArgumentException">The options are inconsistent.</exception>
    /// <exception cref="TrmDataException">A split is missing or malformed, or the roots disagree on their encoding.</exception>
    public static PuzzleDataset Open(PuzzleDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var splits = new List<PuzzleSplit>();
        try
        {
            foreach (var root in options.DatasetPaths)
                splits.Add(PuzzleSplit.Open(Path.Combine(root, options.Split), options.MemoryMap, options.ValidateTokens));
            var first = splits[0].Metadata;
            double examples = 0;
            int puzzles = 0, groups = 0, identifiers = 0;
            foreach (var split in splits)
            {
                var m = split.Metadata;
                var file = Path.Combine(split.Directory, PuzzleDatasetMetadata.FileName);
                void Same<T>(T a, T b, string field)
                {
                    if (!EqualityComparer<T>.Default.Equals(a, b))
                        throw new TrmDataException($"differs from the first dataset ({b} vs {a})", file, null, field);
                }
                Same(first.SeqLen, m.SeqLen, "seq_len");
                Same(first.VocabSize, m.VocabSize, "vocab_size");
                Same(first.PadId, m.PadId, "pad_id");
                Same(first.IgnoreLabelId, m.IgnoreLabelId, "ignore_label_id");
                Same(first.BlankIdentifierId, m.BlankIdentifierId, "blank_identifier_id");
                Same(string.Join(",", first.Sets), string.Join(",", m.Sets), "sets");
                examples += m.MeanPuzzleExamples * m.TotalPuzzles;
                puzzles += m.TotalPuzzles;
                groups += m.TotalGroups;
                identifiers += m.NumPuzzleIdentifiers;
            }
            var merged = first with
            {
                NumPuzzleIdentifiers = identifiers,
                TotalGroups = groups,
                TotalPuzzles = puzzles,
                MeanPuzzleExamples = puzzles == 0 ? 0 : examples / puzzles,
            };
            var sets = new List<(string, PuzzleSet)>();
            for (var s = 0; s < first.Sets.Count; s++)
                for (var i = 0; i < splits.Count; i++)
                    sets.Add((i == 0 ? first.Sets[s] : first.Sets[s] + i, splits[i].Sets[s]));
            return new PuzzleDataset(options, [.. splits], merged, [.. sets]);
        }
        catch
        {
            foreach (var s in splits)
                s.Dispose();
            throw;
        }
    }

    /// <summary>Moves the iteration to <paramref name="state"/> (from <see cref="PuzzleBatch.Next"/> or a checkpoint).</summary>
    /// <exception cref="ArgumentException">The state points past the sets.</exception>
    public void Restore(PuzzleIteratorState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.SetIndex >= _sets.Length)
            throw new ArgumentException($"State {state} names set {state.SetIndex} but there are {_sets.Length}.", nameof(state));
        _state = state;
    }

    /// <summary>
    /// Yields the batches of one pass from <see cref="State"/> on: in training mode one shuffled pass over every set
    /// (<see cref="PuzzleDatasetOptions.EpochsPerIteration"/> epochs each), in test mode every example once. Call again
    /// for the next pass.
    /// </summary>
    public IEnumerable<PuzzleBatch> EnumerateBatches(CancellationToken cancellationToken = default) =>
        Options.TestSetMode ? EnumerateTest(cancellationToken) : EnumerateTrain(cancellationToken);

    /// <summary>
    /// Batches per pass over set <paramref name="setIndex"/>: the test batches, or the training batches of the first pass
    /// (exact for every pass when each puzzle has one example, as in Sudoku, maze and Hanoi sets; otherwise later passes
    /// may differ by a batch or so, since a truncated puzzle's leftover examples are not carried over).
    /// </summary>
    public long BatchesPerPass(int setIndex = 0)
    {
        var set = _sets[setIndex].Set;
        if (Options.TestSetMode)
            return (set.ExampleCount + Options.GlobalBatchSize - 1) / Options.GlobalBatchSize;
        long count = 0;
        var sampler = new TrainSampler(this, set, 0);
        while (sampler.Next(null))
            count++;
        return count;
    }

    private IEnumerable<PuzzleBatch> EnumerateTrain(CancellationToken cancellationToken)
    {
        var start = _state;
        for (var s = start.SetIndex; s < _sets.Length; s++)
        {
            var (name, set) = _sets[s];
            var epoch = s == start.SetIndex ? start.Epoch : _state.Epoch;
            var skip = s == start.SetIndex ? start.BatchIndex : 0;
            var sampler = new TrainSampler(this, set, epoch);
            long batchIndex = 0;
            var rows = new (int Example, int Puzzle)[Options.GlobalBatchSize];
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var full = sampler.Next(batchIndex < skip ? null : rows);
                if (!full)
                    break;
                if (batchIndex++ < skip)
                    continue;
                var here = new PuzzleIteratorState(epoch, s, batchIndex - 1);
                var next = new PuzzleIteratorState(epoch, s, batchIndex);
                var local = rows.AsSpan(Options.Rank * LocalBatchSize, LocalBatchSize);
                var batch = Collate(name, set, local, Options.GlobalBatchSize, here, next);
                _state = next;
                yield return batch;
            }
            // The pass over this set is over: the next set (or the next pass) uses a new shuffle.
            _state = s + 1 < _sets.Length ? new PuzzleIteratorState(epoch + 1, s + 1, 0) : new PuzzleIteratorState(epoch + 1, 0, 0);
        }
    }

    private IEnumerable<PuzzleBatch> EnumerateTest(CancellationToken cancellationToken)
    {
        var start = _state;
        var global = Options.GlobalBatchSize;
        for (var s = start.SetIndex; s < _sets.Length; s++)
        {
            var (name, set) = _sets[s];
            var total = set.ExampleCount;
            var first = s == start.SetIndex ? start.BatchIndex : 0;
            for (var b = first; b * global < total; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var begin = (int)(b * global);
                var end = Math.Min(total, begin + global);
                var localStart = begin + Options.Rank * LocalBatchSize;
                var localEnd = Math.Min(begin + (Options.Rank + 1) * LocalBatchSize, end);
                var n = Math.Max(0, localEnd - localStart);
                var rows = new (int Example, int Puzzle)[n];
                if (n > 0)
                {
                    var puzzle = set.PuzzleOfExample(localStart);
                    for (var i = 0; i < n; i++)
                    {
                        var example = localStart + i;
                        while (puzzle + 1 < set.PuzzleCount && example >= set.PuzzleIndices[puzzle + 1])
                            puzzle++;
                        rows[i] = (example, puzzle);
                    }
                }
                var here = new PuzzleIteratorState(0, s, b);
                var next = new PuzzleIteratorState(0, s, b + 1);
                var batch = Collate(name, set, rows, end - begin, here, next);
                _state = next;
                yield return batch;
            }
            _state = new PuzzleIteratorState(0, s + 1 < _sets.Length ? s + 1 : 0, 0);
        }
        _state = PuzzleIteratorState.Start;
    }

    private PuzzleBatch Collate(string name, PuzzleSet set, ReadOnlySpan<(int Example, int Puzzle)> rows, int effective, PuzzleIteratorState here, PuzzleIteratorState next)
    {
        var seq = Metadata.SeqLen;
        var batch = LocalBatchSize;
        // Every element is written below (rows or padding), so the arrays need no zeroing.
        int[] inputs, labels, identifiers;
        if (Options.ReuseBatchBuffers)
        {
            _buffers ??= (new int[batch * seq], new int[batch * seq], new int[batch]);
            (inputs, labels, identifiers) = _buffers.Value;
        }
        else
        {
            inputs = GC.AllocateUninitializedArray<int>(batch * seq);
            labels = GC.AllocateUninitializedArray<int>(batch * seq);
            identifiers = GC.AllocateUninitializedArray<int>(batch);
        }
        var contiguous = rows.Length > 0;
        for (var r = 1; r < rows.Length && contiguous; r++)
            contiguous = rows[r].Example == rows[0].Example + r;
        if (contiguous)
        {
            // Test mode reads consecutive examples: one bulk conversion per array.
            set.Inputs.CopyTo((long)rows[0].Example * seq, inputs.AsSpan(0, rows.Length * seq));
            set.Labels.CopyTo((long)rows[0].Example * seq, labels.AsSpan(0, rows.Length * seq));
        }
        for (var r = 0; r < rows.Length; r++)
        {
            var (example, puzzle) = rows[r];
            if (!contiguous)
                set.ReadExample(example, inputs.AsSpan(r * seq, seq), labels.AsSpan(r * seq, seq));
            identifiers[r] = set.PuzzleIdentifiers[puzzle];
        }
        if (Metadata.IgnoreLabelId is { } ignore)
            labels.AsSpan(0, rows.Length * seq).Replace(ignore, IgnoreLabel);
        if (rows.Length < batch)
        {
            inputs.AsSpan(rows.Length * seq).Fill(Metadata.PadId);
            labels.AsSpan(rows.Length * seq).Fill(IgnoreLabel);
            identifiers.AsSpan(rows.Length).Fill(Metadata.BlankIdentifierId);
        }
        return new PuzzleBatch(name, batch, seq, inputs, labels, identifiers, effective, rows.Length, here, next);
    }

    /// <summary>Packs global training batches for one pass over one set (the reference's <c>_sample_batch</c> loop).</summary>
    private sealed class TrainSampler
    {
        private readonly PuzzleSet _set;
        private readonly int _globalBatch;
        private readonly int[] _groupOrder;
        private readonly DeterministicRandom _rng;
        private int[] _scratch = new int[16];
        private int _position;

        public TrainSampler(PuzzleDataset owner, PuzzleSet set, long epoch)
        {
            _set = set;
            _globalBatch = owner.Options.GlobalBatchSize;
            _rng = new DeterministicRandom(owner.Options.Seed, epoch + 1);
            var groups = set.GroupCount;
            _groupOrder = new int[groups * owner.Options.EpochsPerIteration];
            for (var e = 0; e < owner.Options.EpochsPerIteration; e++)
                _rng.Permutation(groups).CopyTo(_groupOrder, e * groups);
        }

        /// <summary>Fills <paramref name="rows"/> (or only advances the generator when null); false when no full batch remains.</summary>
        public bool Next((int Example, int Puzzle)[]? rows)
        {
            var size = 0;
            while (_position < _groupOrder.Length && size < _globalBatch)
            {
                var group = _groupOrder[_position++];
                var puzzle = _rng.Next(_set.GroupIndices[group], _set.GroupIndices[group + 1]);
                var first = _set.PuzzleIndices[puzzle];
                var count = _set.PuzzleIndices[puzzle + 1] - first;
                var take = Math.Min(count, _globalBatch - size);
                if (_scratch.Length < count)
                    _scratch = new int[count];
                for (var i = 0; i < count; i++)
                    _scratch[i] = i;
                // Partial Fisher–Yates: the first `take` entries are a uniform sample without replacement, in random order.
                for (var i = 0; i < take; i++)
                {
                    var j = i + _rng.Next(count - i);
                    (_scratch[i], _scratch[j]) = (_scratch[j], _scratch[i]);
                    if (rows is not null)
                        rows[size + i] = (first + _scratch[i], puzzle);
                }
                size += take;
            }
            return size == _globalBatch;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var s in _splits)
            s.Dispose();
    }
}

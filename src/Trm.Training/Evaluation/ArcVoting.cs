using Trm.Data.Puzzles.Arc;

namespace Trm.Training.Evaluation;

/// <summary>
/// ARC pass@k with augmentation voting, as the TRM reference evaluates ARC: every prediction on an augmented copy of a
/// task is mapped back to the original task (<see cref="ArcAugmentation.Invert"/>: inverse dihedral transform, inverse
/// colour permutation), the answers for the same original test input are counted, and the test input counts as solved
/// at k when its expected output is among the k answers with most votes (ties broken by the mean halting confidence).
/// </summary>
public static class ArcVoting
{
    /// <summary>Votes over <paramref name="predictions"/> and scores pass@k for every k of <paramref name="ks"/>.</summary>
    /// <param name="predictions">Predictions on original and augmented copies.</param>
    /// <param name="ks">The k values (default 1 and 2, ARC's two attempts).</param>
    /// <exception cref="FormatException">A puzzle name is not a task id or an augmented name.</exception>
    public static ArcVotingResult Vote(IEnumerable<ArcPrediction> predictions, IReadOnlyList<int>? ks = null)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ks ??= [1, 2];
        // task -> original input key -> (expected output, candidate key -> (grid, votes, confidence sum))
        var tasks = new Dictionary<string, Dictionary<string, TestInput>>(StringComparer.Ordinal);
        var taskOrder = new List<string>();
        foreach (var p in predictions)
        {
            var (taskId, augmentation) = ArcAugmentation.Parse(p.PuzzleName);
            if (!tasks.TryGetValue(taskId, out var inputs))
            {
                tasks[taskId] = inputs = new Dictionary<string, TestInput>(StringComparer.Ordinal);
                taskOrder.Add(taskId);
            }
            var inputKey = Key(augmentation.Invert(p.Input));
            if (!inputs.TryGetValue(inputKey, out var test)) inputs[inputKey] = test = new TestInput(inputs.Count);
            if (p.Label is not null) test.Expected ??= augmentation.Invert(p.Label);
            if (p.Prediction is null) continue;
            var answer = augmentation.Invert(p.Prediction);
            var answerKey = Key(answer);
            if (!test.Candidates.TryGetValue(answerKey, out var candidate)) test.Candidates[answerKey] = candidate = new Candidate(answer);
            candidate.Votes++;
            candidate.ConfidenceSum += p.Confidence;
        }

        var passAt = ks.ToDictionary(k => k, _ => 0.0);
        var answers = new Dictionary<string, IReadOnlyList<IReadOnlyList<byte[,]>>>(StringComparer.Ordinal);
        var testInputs = 0;
        foreach (var taskId in taskOrder)
        {
            var inputs = tasks[taskId].Values.OrderBy(t => t.Order).ToList();
            testInputs += inputs.Count;
            var ranked = inputs.Select(t => t.Candidates.Values
                .OrderByDescending(c => c.Votes).ThenByDescending(c => c.ConfidenceSum / c.Votes).ToList()).ToList();
            answers[taskId] = ranked.Select(r => (IReadOnlyList<byte[,]>)r.Select(c => c.Grid).ToList()).ToList();
            foreach (var k in ks)
            {
                var solved = inputs.Select((t, i) => t.Expected is { } expected && ranked[i].Take(k).Any(c => Key(c.Grid) == Key(expected))).Count(x => x);
                passAt[k] += (double)solved / inputs.Count;
            }
        }
        foreach (var k in ks) passAt[k] = tasks.Count == 0 ? 0 : passAt[k] / tasks.Count;
        return new ArcVotingResult(tasks.Count, testInputs, passAt, answers);
    }

    private static string Key(byte[,] grid)
    {
        var rows = grid.GetLength(0);
        var cols = grid.GetLength(1);
        var chars = new char[rows * (cols + 1)];
        var i = 0;
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++) chars[i++] = (char)('0' + grid[r, c]);
            chars[i++] = '/';
        }
        return new string(chars);
    }

    private sealed class TestInput(int order)
    {
        public int Order { get; } = order;

        public byte[,]? Expected { get; set; }

        public Dictionary<string, Candidate> Candidates { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Candidate(byte[,] grid)
    {
        public byte[,] Grid { get; } = grid;

        public int Votes { get; set; }

        public double ConfidenceSum { get; set; }
    }
}

namespace Trm.Model.Tests;

/// <summary>Small models and batches for the behavioural tests.</summary>
internal static class TestModels
{
    public static TrmConfig Tiny(bool mlpT = false, int hCycles = 2, int haltMaxSteps = 3) => new()
    {
        VocabSize = 7,
        SeqLen = 6,
        HiddenSize = 16,
        NumHeads = 2,
        Expansion = 2,
        LLayers = 1,
        HCycles = hCycles,
        LCycles = 2,
        PosEncodings = mlpT ? PositionEncoding.None : PositionEncoding.Rope,
        MlpT = mlpT,
        PuzzleEmbNdim = 16,
        PuzzleEmbLen = 1,
        NumPuzzleIdentifiers = 5,
        HaltMaxSteps = haltMaxSteps,
        HaltExplorationProb = 0,
        ForwardDType = DType.Float32,
    };

    /// <summary>A deterministic batch: row r has tokens (r + 2s) mod V, labels shifted by one, id r + 1.</summary>
    public static TrmBatch Batch(TrmConfig config, int rows, int offset = 0)
    {
        var inputs = new long[rows * config.SeqLen];
        var labels = new long[rows * config.SeqLen];
        var ids = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            ids[r] = (r + offset) % config.NumPuzzleIdentifiers;
            for (int s = 0; s < config.SeqLen; s++)
            {
                inputs[r * config.SeqLen + s] = (r + offset + 2 * s) % config.VocabSize;
                labels[r * config.SeqLen + s] = s == 0 ? -100 : (r + offset + 2 * s + 1) % config.VocabSize;
            }
        }

        return new TrmBatch(FromArray(inputs, rows, config.SeqLen).DetachFromDisposeScope(),
            FromArray(labels, rows, config.SeqLen).DetachFromDisposeScope(),
            FromArray(ids, rows).DetachFromDisposeScope());
    }

    /// <summary>Gives the puzzle table and the halting head non-trivial values (both start at zero).</summary>
    public static void Perturb(TrmModel model, long seed)
    {
        using var scope = NewDisposeScope();
        using var noGrad = NoGrad();
        var g = new Generator(seed);
        var table = model.PuzzleEmbedding!.Weights;
        table.CopyFrom_(Randn(table.Shape, g) * 0.5);
        var qWeight = model.NamedParameters().Single(p => p.Key == "inner.q_head.weight").Value;
        qWeight.CopyFrom_(Randn(qWeight.Shape, g) * 0.05);
    }
}

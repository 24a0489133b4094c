using Trm.Model.Layers;

namespace Trm.Model.Tests;

[TestFixture]
public sealed class ParameterCountTests
{
    /// <summary>The reference Sudoku recipe: 81 cells, vocabulary 11 (pad + blank + digits), 16 prefix positions.</summary>
    private static TrmConfig Sudoku(bool mlpT) => new()
    {
        VocabSize = 11,
        SeqLen = 81,
        HiddenSize = 512,
        NumHeads = 8,
        Expansion = 4,
        LLayers = 2,
        HCycles = 3,
        LCycles = 6,
        MlpT = mlpT,
        PosEncodings = mlpT ? PositionEncoding.None : PositionEncoding.Rope,
        PuzzleEmbNdim = 512,
        PuzzleEmbLen = 16,
        NumPuzzleIdentifiers = 1,
    };

    [TestCase(true, 5_028_866)]
    [TestCase(false, 6_828_034)]
    public void SudokuConfigsHaveTheReferenceTrainableParameterCount(bool mlpT, long expected)
    {
        using var scope = NewDisposeScope();
        using var model = new TrmModel(Sudoku(mlpT), new Generator(0));
        long trainable = model.Parameters().Where(p => p.RequiresGrad).Sum(p => p.NumEl);
        Assert.That(trainable, Is.EqualTo(expected));
        // The puzzle table and the initial states are buffers, as in the reference.
        Assert.That(model.NamedBuffers().Select(b => b.Key), Does.Contain("inner.puzzle_emb.weights"));
        Assert.That(model.NamedBuffers().Select(b => b.Key), Does.Contain("inner.H_init"));
    }

    [TestCase(512, 4.0, 1536)]
    [TestCase(97, 4.0, 512)]
    [TestCase(11, 4.0, 256)]
    [TestCase(32, 4.0, 256)]
    [TestCase(384, 4.0, 1024)]
    public void SwiGluInnerWidthRoundsUpToMultiplesOf256(long width, double expansion, long inner) =>
        Assert.That(SwiGlu.InnerWidth(width, expansion), Is.EqualTo(inner));

    [Test]
    public void TruncatedNormalHasTheRequestedStdWithinTwoUnits()
    {
        Assert.That(TruncatedNormal.Erf(1), Is.EqualTo(0.8427007929497149).Within(1e-15));
        Assert.That(TruncatedNormal.Erf(0.5), Is.EqualTo(0.5204998778130465).Within(1e-15));
        Assert.That(TruncatedNormal.Erf(3.5), Is.EqualTo(0.9999992569016276).Within(1e-15));
        // σ of N(0,1) truncated to ±2: √(1 − 4φ(2)/(Φ(2) − Φ(−2))).
        Assert.That(TruncatedNormal.TruncatedStd(-2, 2), Is.EqualTo(0.8796256610342398).Within(1e-12));

        using var scope = NewDisposeScope();
        var t = Empty([200_000]);
        TruncatedNormal.Init_(t, 0.5, new Generator(1));
        var values = t.ToArray<float>();
        double mean = values.Average();
        double std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
        Assert.That(std, Is.EqualTo(0.5).Within(0.005));
        double bound = 2 * 0.5 / 0.8796256610342398;
        Assert.That(values.Max(), Is.LessThanOrEqualTo(bound + 1e-6));
        Assert.That(values.Min(), Is.GreaterThanOrEqualTo(-bound - 1e-6));
        Assert.That(values.Max(), Is.GreaterThan(bound * 0.99), "the tails reach the bounds");
    }
}

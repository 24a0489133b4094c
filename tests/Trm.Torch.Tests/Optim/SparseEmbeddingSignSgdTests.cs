using Trm.Torch.Optim;

namespace Trm.Torch.Tests.Optim;

public sealed class SparseEmbeddingSignSgdTests
{
    [Test]
    public void SignSgdUpdatesOnlyTheBatchRows()
    {
        // Table of 4 ids × 2; the batch gathered ids 1, 3, 1 (id 1 twice: its gradients add up before the sign).
        float[] table = [1, 2, 3, 4, 5, 6, 7, 8];
        using var weights = Tensors.FromArray(table, 4, 2);
        using var grad = Tensors.FromArray(new float[] { 0.5f, -0.1f, -2f, 0f, -0.7f, 0.3f }, 3, 2);
        using var ids = Tensors.FromArray(new[] { 1, 3, 1 }, 3);
        const double lr = 0.1, wd = 0.5;
        new SparseEmbeddingSignSgd(weights, lr, wd).Step(grad, ids);
        var decay = 1 - lr * wd;
        // id 1: summed grad (-0.2, 0.2) -> sign (-1, 1); id 3: (-2, 0) -> sign (-1, 0).
        var expected = new[]
        {
            1f, 2f,
            (float)(3 * decay + lr), (float)(4 * decay - lr),
            5f, 6f,
            (float)(7 * decay + lr), (float)(8 * decay),
        };
        Assert.That(weights.ToArray<float>(), Is.EqualTo(expected).Within(1e-6));
    }

    [Test]
    public void MatchesTheComposedReferenceOpsBitForBit()
    {
        // The reference's update written with tensor ops: unique ids, scatter-add of the rows, w·(1 − lr·wd) − lr·sign(Σ).
        using var scope = Engine.NewDisposeScope();
        using var g = new Generator(7);
        var weights = Tensors.Randn([50, 16], g);
        var expected = weights.Clone();
        var grad = Tensors.Randn([40, 16], g);
        long[] idList = Enumerable.Range(0, 40).Select(i => (long)((i * 37 + 11) % 23)).ToArray();
        var ids = Tensors.FromArray(idList, 40);
        const double lr = 0.03, wd = 0.7;

        long[] unique = idList.Distinct().Order().ToArray();
        long[] inverse = idList.Select(id => (long)Array.BinarySearch(unique, id)).ToArray();
        var uniqueIds = Tensors.FromArray(unique, unique.Length);
        var summed = Tensors.Zeros([unique.Length, 16]).ScatterAdd(0, Tensors.FromArray(inverse, 40).Unsqueeze(-1).Expand(40, 16), grad);
        var rows = expected.IndexSelect(0, uniqueIds);
        expected.IndexPut_([uniqueIds], rows * (1 - lr * wd) - summed.Sign() * lr);

        var optimizer = new SparseEmbeddingSignSgd(weights, lr, wd);
        optimizer.Step(grad, ids.To(DType.Int32));
        Assert.That(weights.Equal(expected), Is.True);
        Assert.That(optimizer.Group.Lr, Is.EqualTo(lr));
    }

    [Test]
    public void ShapesThatDoNotFitTheTableAreRejected()
    {
        using var scope = Engine.NewDisposeScope();
        var optimizer = new SparseEmbeddingSignSgd(Tensors.Zeros([4, 2]), 0.1, 0);
        var e = Assert.Throws<TorchException>(() => optimizer.Step(Tensors.Zeros([3, 5]), Tensors.Zeros([3], DType.Int64)))!;
        Assert.That(e.Message, Does.Contain("weights [4, 2], grad [3, 5], ids [3]"));
        Assert.Throws<ArgumentException>(() => _ = new SparseEmbeddingSignSgd(Tensors.Zeros([4]), 0.1, 0));
    }
}

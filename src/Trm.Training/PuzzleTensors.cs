using Trm.Data.Puzzles;
using Trm.Model;
using Trm.Torch;

namespace Trm.Training;

/// <summary>Converts the data layer's host batches into model batches on a device.</summary>
internal static class PuzzleTensors
{
    public static TrmBatch ToTrmBatch(PuzzleBatch batch, Device device)
    {
        using var scope = Engine.NewDisposeScope();
        var inputs = Tensors.FromArray(batch.Inputs, batch.BatchSize, batch.SeqLen).To(DType.Int64).To(device);
        var labels = Tensors.FromArray(batch.Labels, batch.BatchSize, batch.SeqLen).To(DType.Int64).To(device);
        var ids = Tensors.FromArray(batch.PuzzleIdentifiers, batch.BatchSize).To(DType.Int64).To(device);
        return new TrmBatch(inputs.DetachFromDisposeScope(), labels.DetachFromDisposeScope(), ids.DetachFromDisposeScope());
    }

    /// <summary>Reads scalar metric tensors as doubles.</summary>
    public static Dictionary<string, double> ReadScalars(IReadOnlyDictionary<string, Tensor> metrics)
    {
        var values = new Dictionary<string, double>(metrics.Count);
        foreach (var (name, tensor) in metrics)
        {
            using var asDouble = tensor.To(DType.Float64);
            values[name] = asDouble.Item<double>();
        }
        return values;
    }
}

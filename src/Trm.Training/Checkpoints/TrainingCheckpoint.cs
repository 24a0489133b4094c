using Trm.Model;
using Trm.Model.Checkpoints;
using Trm.Torch;
using Trm.Torch.Serialization;
using Trm.Training.Losses;

namespace Trm.Training.Checkpoints;

/// <summary>
/// File layout of a training checkpoint folder (<c>checkpoints/&lt;run&gt;/step_N/</c>):
/// <list type="bullet">
/// <item><c>model.safetensors</c> — the weights to evaluate and deploy (EMA weights when EMA is on), with the reference's
/// state-dict keys (<c>model.inner.…</c>) and the model configuration in the metadata (<c>trm_config</c>).</item>
/// <item><c>online.safetensors</c> — the raw (non-averaged) weights, only when EMA is on.</item>
/// <item><c>optimizer.safetensors</c> — optimizer moments, with the optimizer name and step count in the metadata.</item>
/// <item><c>carry.safetensors</c> — the ACT carry (latent states, step counters, halted flags and current batch rows).</item>
/// <item><c>trainer.json</c> — step, iteration, data-iterator position, RNG states, carry policy, configurations.</item>
/// <item><c>manifest.json</c> — sizes and SHA-256 of all of the above, written last.</item>
/// </list>
/// </summary>
internal static class TrainingCheckpoint
{
    public const string OnlineFile = "online.safetensors";
    public const string OptimizerFile = "optimizer.safetensors";
    public const string CarryFile = "carry.safetensors";
    public const string TrainerFile = "trainer.json";

    public static Dictionary<string, Tensor> CarryTensors(TrmCarry carry) => new()
    {
        ["inner.z_H"] = carry.Inner.ZH,
        ["inner.z_L"] = carry.Inner.ZL,
        ["steps"] = carry.Steps,
        ["halted"] = carry.Halted,
        ["current_data.inputs"] = carry.CurrentData.Inputs,
        ["current_data.labels"] = carry.CurrentData.Labels,
        ["current_data.puzzle_identifiers"] = carry.CurrentData.PuzzleIdentifiers,
    };

    public static void LoadWeights(ActLossHead head, string path, Device device)
    {
        try
        {
            using var file = SafeTensors.Load(path, device);
            head.LoadStateDict(file.Tensors, strict: true);
        }
        catch (Exception e) when (e is not TrmCheckpointException and not OutOfMemoryException)
        {
            throw new TrmCheckpointException(path, $"weights do not fit the model: {e.Message}", e);
        }
    }

    /// <summary>Loads the carry of a checkpoint (the global batch's); with several ranks, this rank's rows of it.</summary>
    public static TrmCarry LoadCarry(ActLossHead head, string path, Device device, int rank = 0, int worldSize = 1)
    {
        try
        {
            using var file = SafeTensors.Load(path, device);
            var t = new Dictionary<string, Tensor>();
            using var slices = new SliceList();
            foreach (var name in new[] { "inner.z_H", "inner.z_L", "steps", "halted", "current_data.inputs", "current_data.labels", "current_data.puzzle_identifiers" })
            {
                if (!file.Tensors.TryGetValue(name, out var whole)) throw new TrmCheckpointException(path, $"carry tensor '{name}' is missing");
                if (whole.Size(0) % worldSize != 0) throw new TrmCheckpointException(path, $"carry tensor '{name}' has {whole.Size(0)} rows, not a multiple of the {worldSize} ranks");
                long local = whole.Size(0) / worldSize;
                t[name] = worldSize == 1 ? whole : slices.Add(whole.Narrow(0, rank * local, local));
            }
            using var batch = new TrmBatch(t["current_data.inputs"].Clone(), t["current_data.labels"].Clone(), t["current_data.puzzle_identifiers"].Clone());
            var carry = head.InitialCarry(batch);
            try
            {
                using var noGrad = Engine.NoGrad();
                foreach (var (name, target) in CarryTensors(carry))
                {
                    var source = t[name];
                    if (!source.Shape.SequenceEqual(target.Shape))
                    {
                        throw new TrmCheckpointException(path, $"carry tensor '{name}' has shape [{string.Join(", ", source.Shape)}], the model expects [{string.Join(", ", target.Shape)}]");
                    }
                    target.CopyFrom_(source);
                }
                return carry;
            }
            catch
            {
                carry.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is not TrmCheckpointException and not OutOfMemoryException)
        {
            throw new TrmCheckpointException(path, $"unreadable carry: {e.Message}", e);
        }
    }

    /// <summary>Views taken while loading, disposed together.</summary>
    private sealed class SliceList : IDisposable
    {
        private readonly List<Tensor> _views = [];

        public Tensor Add(Tensor view)
        {
            _views.Add(view);
            return view;
        }

        public void Dispose()
        {
            foreach (var v in _views) v.Dispose();
        }
    }
}

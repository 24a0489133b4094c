using Trm.Torch;
using Trm.Torch.Cuda;
using static Trm.Torch.Engine;

namespace Trm.Model;

/// <summary>
/// The no-grad ACT step of a model in evaluation mode on CUDA, captured once as a CUDA graph and replayed: every
/// <see cref="Step"/> launches the whole recursion (H × L cycles of the block stack, heads, halting) with one call instead of
/// one launch per op. The batch, the carry and the outputs live in tensors allocated once (static shapes: the batch size and
/// dtypes of the sample given at construction); <see cref="Step"/> copies a batch in and the outputs are overwritten by the
/// next step, so copy out what must outlive it. Equivalent to calling <see cref="TrmModel.Forward"/> under
/// <see cref="Engine.NoGrad"/> with the carry threaded through, starting from <see cref="TrmModel.InitialCarry"/>.
/// </summary>
public sealed class TrmGraphedStep : IDisposable
{
    private readonly TrmModel _model;
    private readonly TrmBatch _batch;
    private readonly TrmCarry _carry;
    private readonly Tensor _logits;
    private readonly Tensor _qHalt;
    private readonly Tensor _qContinue;
    private readonly CudaGraph _graph;
    private bool _disposed;

    /// <summary>Captures the step of <paramref name="model"/> for batches shaped like <paramref name="sample"/>.</summary>
    /// <param name="model">A model on a CUDA device, in evaluation mode (<c>model.Eval()</c>).</param>
    /// <param name="sample">A batch with the batch size and dtypes to be used (its values only feed the warm-up).</param>
    /// <param name="warmup">Eager steps run before capture (at least 1), as PyTorch advises for lazily initialised kernels.</param>
    /// <exception cref="NotSupportedException">The shim was built without CUDA, or no GPU is visible.</exception>
    /// <exception cref="ArgumentException">The model is not on a CUDA device.</exception>
    /// <exception cref="InvalidOperationException">The model is in training mode (its halting exploration draws random numbers on the CPU, which a graph cannot capture).</exception>
    public TrmGraphedStep(TrmModel model, TrmBatch sample, int warmup = 2)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentOutOfRangeException.ThrowIfLessThan(warmup, 1);
        if (!IsSupported)
        {
            throw new NotSupportedException("TrmGraphedStep needs CUDA: " + (CudaDevice.IsCompiled
                ? "no CUDA device is visible."
                : "trm_native was built without CUDA (rebuild it against a CUDA libtorch, see docs/gpu.md)."));
        }
        if (!model.Device.IsCuda) throw new ArgumentException($"TrmGraphedStep: the model is on {model.Device}; move it to a CUDA device first.", nameof(model));
        if (model.IsTraining) throw new InvalidOperationException("TrmGraphedStep captures evaluation steps: call model.Eval() first.");
        _model = model;
        _batch = sample.To(model.Device);
        _carry = model.InitialCarry(_batch);
        try
        {
            // Warm-up, eagerly: also gives the output shapes and dtypes for the static output tensors.
            using (var scope = NewDisposeScope())
            using (NoGrad())
            {
                TrmOutputs? outputs = null;
                for (int i = 0; i < warmup; i++)
                {
                    outputs?.Dispose();
                    outputs = StepOnce();
                }
                _logits = outputs!.Logits.Clone().DetachFromDisposeScope();
                _qHalt = outputs.QHaltLogits.Clone().DetachFromDisposeScope();
                _qContinue = outputs.QContinueLogits.Clone().DetachFromDisposeScope();
            }
            CudaDevice.Synchronize(model.Device.Index);
            _graph = new CudaGraph();
            _graph.Capture(() =>
            {
                using var scope = NewDisposeScope();
                using var noGrad = NoGrad();
                using var outputs = StepOnce();
                _logits.CopyFrom_(outputs.Logits);
                _qHalt.CopyFrom_(outputs.QHaltLogits);
                _qContinue.CopyFrom_(outputs.QContinueLogits);
            });
            Reset();
        }
        catch
        {
            _logits?.Dispose();
            _qHalt?.Dispose();
            _qContinue?.Dispose();
            _carry.Dispose();
            _batch.Dispose();
            throw;
        }
    }

    /// <summary>True when CUDA graphs can be captured here (a CUDA build of the shim and a visible GPU).</summary>
    public static bool IsSupported => CudaDevice.IsAvailable;

    /// <summary>The carry after the last <see cref="Step"/> (owned by this object, updated in place).</summary>
    public TrmCarry Carry => Live(_carry);

    /// <summary>[B, SeqLen, VocabSize] logits of the last <see cref="Step"/> (overwritten by the next).</summary>
    public Tensor Logits => Live(_logits);

    /// <summary>[B] halting logits of the last <see cref="Step"/> (overwritten by the next).</summary>
    public Tensor QHaltLogits => Live(_qHalt);

    /// <summary>[B] continue logits of the last <see cref="Step"/> (overwritten by the next).</summary>
    public Tensor QContinueLogits => Live(_qContinue);

    /// <summary>Marks every row halted, so that the next <see cref="Step"/> loads its batch afresh (as <see cref="TrmModel.InitialCarry"/>).</summary>
    public void Reset()
    {
        Live(_carry).Halted.Fill_(1);
        _carry.Steps.Zero_();
    }

    /// <summary>One ACT step: copies <paramref name="batch"/> into the static batch (rows that halted take their new example) and replays the graph.</summary>
    /// <param name="batch">A batch of the captured size and dtypes, on any device.</param>
    /// <exception cref="ArgumentException">The batch shape or dtypes differ from the captured ones.</exception>
    public void Step(TrmBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Copy(Live(_batch).Inputs, batch.Inputs, "inputs");
        Copy(_batch.Labels, batch.Labels, "labels");
        Copy(_batch.PuzzleIdentifiers, batch.PuzzleIdentifiers, "puzzle identifiers");
        _graph.Replay();
    }

    private TrmOutputs StepOnce()
    {
        var (next, outputs) = _model.Forward(_carry, _batch);
        using (next)
        {
            _carry.Inner.ZH.CopyFrom_(next.Inner.ZH);
            _carry.Inner.ZL.CopyFrom_(next.Inner.ZL);
            _carry.Steps.CopyFrom_(next.Steps);
            _carry.Halted.CopyFrom_(next.Halted);
            _carry.CurrentData.Inputs.CopyFrom_(next.CurrentData.Inputs);
            _carry.CurrentData.Labels.CopyFrom_(next.CurrentData.Labels);
            _carry.CurrentData.PuzzleIdentifiers.CopyFrom_(next.CurrentData.PuzzleIdentifiers);
        }
        return outputs;
    }

    private static void Copy(Tensor target, Tensor source, string what)
    {
        if (!target.Shape.SequenceEqual(source.Shape) || target.DType != source.DType)
        {
            throw new ArgumentException(
                $"TrmGraphedStep.Step: batch {what} are [{string.Join(", ", source.Shape)}] {source.DType}; the graph was captured for [{string.Join(", ", target.Shape)}] {target.DType}.",
                "batch");
        }
        target.CopyFrom_(source);
    }

    private T Live<T>(T value) => _disposed ? throw new ObjectDisposedException(nameof(TrmGraphedStep)) : value;

    /// <summary>Frees the graph and the static tensors.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _graph.Dispose();
        _logits.Dispose();
        _qHalt.Dispose();
        _qContinue.Dispose();
        _carry.Dispose();
        _batch.Dispose();
    }
}

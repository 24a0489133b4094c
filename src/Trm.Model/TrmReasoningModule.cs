using Trm.Model.Language;
using Trm.Model.Layers;
using Trm.Torch;
using Trm.Torch.Nn;

namespace Trm.Model;

/// <summary>
/// The single reasoning network f shared by both updates (<c>L_level</c>): f(h, injection) adds the injection to h
/// and runs the blocks (state keys <c>layers.{i}.*</c>).
/// </summary>
internal sealed class TrmReasoningModule : Module
{
    private readonly BlockList _layers;

    public TrmReasoningModule(TrmConfig config, Generator? generator)
    {
        _layers = RegisterModule("layers", new BlockList(config, generator));
    }

    public Tensor Forward(Tensor hidden, Tensor injection, RotaryEmbedding? rope, LmContext? lm = null)
    {
        // Temporaries die with this call, as they would in PyTorch (autograd keeps what backward needs).
        using var scope = Engine.NewDisposeScope();
        var h = hidden + injection;
        foreach (var block in _layers.Blocks)
        {
            h = block.Forward(h, rope, lm);
        }

        return scope.MoveToOuter(h);
    }

    /// <summary>The blocks, registered as children "0", "1", ... (PyTorch's ModuleList naming).</summary>
    private sealed class BlockList : Module
    {
        public BlockList(TrmConfig config, Generator? generator)
        {
            var blocks = new TrmBlock[config.LLayers];
            for (int i = 0; i < blocks.Length; i++)
            {
                blocks[i] = RegisterModule(i.ToString(System.Globalization.CultureInfo.InvariantCulture), new TrmBlock(config, generator));
            }

            Blocks = blocks;
        }

        public IReadOnlyList<TrmBlock> Blocks { get; }
    }
}

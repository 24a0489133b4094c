namespace Trm.Torch.Nn;

/// <summary>A module with a single-input forward pass.</summary>
/// <typeparam name="TIn">Input type.</typeparam>
/// <typeparam name="TOut">Output type.</typeparam>
public abstract class Module<TIn, TOut> : Module
{
    /// <summary>Computes the module's output.</summary>
    public abstract TOut Forward(TIn input);
}

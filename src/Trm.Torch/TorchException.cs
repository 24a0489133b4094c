namespace Trm.Torch;

/// <summary>A failure reported by libtorch (through the trm_native shim); the message is libtorch's own.</summary>
public sealed class TorchException : Exception
{
    /// <summary>Creates the exception for a failed operation.</summary>
    /// <param name="operation">The engine operation that failed (e.g. "matmul").</param>
    /// <param name="nativeMessage">libtorch's error message.</param>
    public TorchException(string operation, string nativeMessage)
        : base($"{operation}: {nativeMessage}")
    {
        Operation = operation;
        NativeMessage = nativeMessage;
    }

    /// <summary>The engine operation that failed.</summary>
    public string Operation { get; }

    /// <summary>libtorch's error message, unchanged.</summary>
    public string NativeMessage { get; }
}

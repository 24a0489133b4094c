namespace Trm.Torch;

/// <summary>Kinds of devices (codes shared with the native shim).</summary>
public enum DeviceType
{
    /// <summary>Host memory.</summary>
    Cpu = 0,
    /// <summary>An NVIDIA GPU.</summary>
    Cuda = 1,
}

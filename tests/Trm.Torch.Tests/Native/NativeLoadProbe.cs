namespace Trm.Torch.Tests.Native;

/// <summary>
/// Entry point of the test assembly run as a program: <c>native-load-probe</c> makes one tensor (loading the engine) and
/// prints <c>loaded</c>, or prints the load exception's type and message and exits with 3. <c>cuda-probe</c> asks
/// <see cref="Trm.Torch.Cuda.CudaDevice.IsAvailable"/> first.
/// </summary>
public static class NativeLoadProbe
{
    public static int Main(string[] args)
    {
        if (args.Length == 0) return 0;
        try
        {
            if (args[0] == "cuda-probe") Console.WriteLine($"cuda available: {Trm.Torch.Cuda.CudaDevice.IsAvailable}");
            using var t = Tensors.Zeros([2]);
            Console.WriteLine($"loaded: {t.NumEl}");
            return 0;
        }
        catch (NativeLibraryLoadException e)
        {
            Console.WriteLine($"{e.GetType().Name}: {e.Message}");
            Console.WriteLine($"library: {e.Library}");
            return 3;
        }
    }
}

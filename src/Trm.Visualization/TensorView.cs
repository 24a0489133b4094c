using System.Globalization;
using System.Net;
using Trm.Torch;

namespace Trm.Visualization;

/// <summary>
/// A short description of a tensor for people: shape, dtype, device and the first values
/// (<c>Tensor [2, 3] Float32 cpu: [0, 1, 2, 3, 4, 5]</c>). Notebooks register it as the tensor formatter.
/// </summary>
public static class TensorView
{
    /// <summary>One line: shape, dtype, device and up to <paramref name="maxValues"/> values in storage order.</summary>
    /// <param name="tensor">The tensor (not modified).</param>
    /// <param name="maxValues">How many values to show; <c>…</c> follows when there are more.</param>
    public static string ToText(Tensor tensor, int maxValues = 10)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.IsDisposed) return "Tensor (disposed)";
        var (values, total) = Preview(tensor, maxValues);
        string shown = string.Join(", ", values.Select(Format));
        return $"Tensor [{string.Join(", ", tensor.Shape)}] {tensor.DType} {tensor.Device}: [{shown}{(total > values.Length ? ", …" : "")}]";
    }

    /// <summary>The same description as a small HTML block (for notebooks).</summary>
    /// <param name="tensor">The tensor (not modified).</param>
    /// <param name="maxValues">How many values to show.</param>
    public static string ToHtml(Tensor tensor, int maxValues = 10) =>
        $"<pre class=\"trm-tensor\">{WebUtility.HtmlEncode(ToText(tensor, maxValues))}</pre>";

    /// <summary>The first <paramref name="maxValues"/> values (as double) and the element count.</summary>
    private static (double[] Values, long Total) Preview(Tensor tensor, int maxValues)
    {
        long total = tensor.NumEl;
        int n = (int)Math.Min(total, Math.Max(0, maxValues));
        if (n == 0) return ([], total);
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        var head = tensor.Detach().Flatten().Narrow(0, 0, n).To(Device.Cpu).To(DType.Float64);
        return (head.ToArray<double>(), total);
    }

    private static string Format(double v) =>
        v == Math.Floor(v) && Math.Abs(v) < 1e15 ? v.ToString("0", CultureInfo.InvariantCulture) : v.ToString("G4", CultureInfo.InvariantCulture);
}

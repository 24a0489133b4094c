namespace Trm.Model.Tests;

/// <summary>Element-wise comparison with the error figures the parity report quotes.</summary>
internal static class Closeness
{
    /// <summary>Max |a − b| and that divided by max |b| (relative to the reference's scale).</summary>
    public static (double MaxAbs, double Rel) Errors(Tensor actual, Tensor expected)
    {
        Assert.That(actual.Shape, Is.EqualTo(expected.Shape), "shape");
        var a = actual.To(DType.Float64).ToArray<double>();
        var b = expected.To(DType.Float64).ToArray<double>();
        double maxAbs = 0, scale = 0;
        for (int i = 0; i < a.Length; i++)
        {
            maxAbs = Math.Max(maxAbs, Math.Abs(a[i] - b[i]));
            scale = Math.Max(scale, Math.Abs(b[i]));
        }

        return (maxAbs, scale == 0 ? maxAbs : maxAbs / scale);
    }

    /// <summary>Asserts relative error ≤ <paramref name="rel"/> and logs both figures.</summary>
    public static (double MaxAbs, double Rel) AssertClose(Tensor actual, Tensor expected, double rel, string what)
    {
        var (maxAbs, relErr) = Errors(actual, expected);
        TestContext.Out.WriteLine($"{what}: max abs {maxAbs:E2}, rel {relErr:E2}");
        Assert.That(relErr, Is.LessThanOrEqualTo(rel), $"{what}: max abs error {maxAbs:E3}, relative {relErr:E3}");
        return (maxAbs, relErr);
    }
}

using Trm.Torch;
using static Trm.Torch.Engine;
using static Trm.Torch.Tensors;

namespace Trm.Model.Layers;

/// <summary>
/// The reference's truncated normal initialiser (JAX semantics): samples lie within [lower, upper] standard units
/// and the result has exactly the requested standard deviation, i.e. the unit draw is scaled by
/// std / σ_trunc where σ_trunc is the standard deviation of the truncated standard normal.
/// </summary>
internal static class TruncatedNormal
{
    /// <summary>Fills <paramref name="tensor"/> (float, on any device) in place; std 0 zeroes it.</summary>
    public static void Init_(Tensor tensor, double std, Generator? generator, double lower = -2.0, double upper = 2.0)
    {
        using var scope = NewDisposeScope();
        using var noGrad = NoGrad();
        if (std == 0)
        {
            tensor.Zero_();
            return;
        }

        double scale = std / TruncatedStd(lower, upper);
        long n = tensor.NumEl;
        var values = new float[n];
        long filled = 0;

        // Rejection sampling of the standard normal inside [lower, upper]: the same distribution as the
        // reference's inverse-CDF draw, using only the engine's seeded normal generator.
        while (filled < n)
        {
            long want = Math.Max(64, (long)((n - filled) * 1.1) + 16);
            var draw = Randn([want], generator).ToArray<float>();
            foreach (var z in draw)
            {
                if (z >= lower && z <= upper)
                {
                    values[filled++] = (float)(z * scale);
                    if (filled == n)
                    {
                        break;
                    }
                }
            }
        }

        var cpu = FromArray(values, tensor.Shape);
        tensor.CopyFrom_(cpu);
    }

    /// <summary>Standard deviation of a standard normal truncated to [lower, upper].</summary>
    internal static double TruncatedStd(double lower, double upper)
    {
        double z = (Erf(upper / Math.Sqrt(2)) - Erf(lower / Math.Sqrt(2))) / 2;
        double c = 1 / Math.Sqrt(2 * Math.PI);
        double pdfLower = c * Math.Exp(-0.5 * lower * lower);
        double pdfUpper = c * Math.Exp(-0.5 * upper * upper);
        double mean = (pdfLower - pdfUpper) / z;
        double variance = 1 + (lower * pdfLower - upper * pdfUpper) / z - mean * mean;
        return Math.Sqrt(variance);
    }

    /// <summary>The error function to double precision (Maclaurin series below 3, continued fraction for erfc above).</summary>
    internal static double Erf(double x)
    {
        if (x < 0)
        {
            return -Erf(-x);
        }

        if (x < 3)
        {
            double term = x, sum = x, x2 = x * x;
            for (int k = 1; k < 200; k++)
            {
                term *= -x2 / k;
                double add = term / (2 * k + 1);
                sum += add;
                if (Math.Abs(add) < 1e-17 * Math.Abs(sum))
                {
                    break;
                }
            }

            return 2 / Math.Sqrt(Math.PI) * sum;
        }

        // erfc(x) = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))) evaluated from the tail.
        double f = x;
        for (int k = 60; k >= 1; k--)
        {
            f = x + k / 2.0 / f;
        }

        return 1 - Math.Exp(-x * x) / Math.Sqrt(Math.PI) / f;
    }
}

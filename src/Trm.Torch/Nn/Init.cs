namespace Trm.Torch.Nn;

/// <summary>In-place initialisers (no autograd recording), as torch.nn.init.</summary>
public static class Init
{
    /// <summary>
    /// Fills with N(0, std²) truncated to [a·std, b·std] (bounds in units of std), by inverse-CDF sampling: exact, no rejection.
    /// </summary>
    public static Tensor TruncNormal_(Tensor t, double std, double a = -2, double b = 2, Generator? generator = null)
    {
        if (!(a < b)) throw new ArgumentException($"truncation bounds must satisfy a < b, got a={a}, b={b}");
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        double lo = NormalCdf(a), hi = NormalCdf(b);
        // u ~ U(2lo−1, 2hi−1); erfinv(u)·√2 is a standard normal truncated to [a, b].
        var u = Tensors.Empty(t.Shape, DType.Float64).Uniform_(2 * lo - 1, 2 * hi - 1, generator);
        var z = (u.Erfinv() * (Math.Sqrt(2) * std)).Clamp(a * std, b * std);
        t.CopyFrom_(z);
        return t;
    }

    /// <summary>Fills with N(mean, std²).</summary>
    public static Tensor Normal_(Tensor t, double mean = 0, double std = 1, Generator? generator = null)
    {
        using var noGrad = Engine.NoGrad();
        return t.Normal_(mean, std, generator);
    }

    /// <summary>Fills with U(from, to).</summary>
    public static Tensor Uniform_(Tensor t, double from = 0, double to = 1, Generator? generator = null)
    {
        using var noGrad = Engine.NoGrad();
        return t.Uniform_(from, to, generator);
    }

    /// <summary>Fills with zeros.</summary>
    public static Tensor Zeros_(Tensor t)
    {
        using var noGrad = Engine.NoGrad();
        return t.Zero_();
    }

    /// <summary>Fills with ones.</summary>
    public static Tensor Ones_(Tensor t)
    {
        using var noGrad = Engine.NoGrad();
        return t.Fill_(1);
    }

    private static double NormalCdf(double x) => 0.5 * (1 + Erf(x / Math.Sqrt(2)));

    // Abramowitz–Stegun 7.1.26 is too coarse for tails; use a series/continued-fraction pair accurate to ~1e-15.
    private static double Erf(double x)
    {
        if (x < 0) return -Erf(-x);
        if (x < 2.5)
        {
            double sum = x, term = x, x2 = x * x;
            for (int n = 1; n < 200; n++)
            {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.Abs(add) < 1e-17 * Math.Abs(sum)) break;
            }
            return 2 / Math.Sqrt(Math.PI) * sum;
        }
        // erfc continued fraction (Lentz)
        double f = x, c = x, d = 0;
        for (int n = 1; n < 300; n++)
        {
            double an = n / 2.0;
            d = x + an * d;
            d = 1 / d;
            c = x + an / c;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        double erfc = Math.Exp(-x * x) / Math.Sqrt(Math.PI) / f;
        return 1 - erfc;
    }
}

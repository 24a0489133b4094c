using System.Buffers.Binary;
using System.Text;
using Trm.Cli;
using Trm.Training.Metrics;

namespace Trm.Visualization.Tests;

public class MetricsPlotTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "trm-plot-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string WriteMetrics(int steps)
    {
        string path = Path.Combine(_dir, "metrics.jsonl");
        using var writer = new MetricsJsonlWriter(path);
        for (int s = 1; s <= steps; s++)
        {
            writer.Write(new MetricsRecord(s, "train", new Dictionary<string, double>
            {
                ["lm_loss"] = 2.5 / s, ["accuracy"] = 1 - 1.0 / s, ["exact_accuracy"] = 0.5, ["lr"] = 1e-3 * s / steps, ["steps"] = 3, ["count"] = 32,
            }));
        }
        writer.Write(new MetricsRecord(steps, "eval", new Dictionary<string, double> { ["lm_loss"] = 0.2, ["exact_accuracy"] = 0.9, ["steps"] = 2.5, ["count"] = 100 }));
        return path;
    }

    [Test]
    public void Png_HasTheRequestedSizeAndFourPanels()
    {
        string metrics = WriteMetrics(50);
        string png = Path.Combine(_dir, "out", "curve.png");
        Assert.That(MetricsPlot.Save(metrics, png, 800, 600), Is.EqualTo(51));
        byte[] bytes = File.ReadAllBytes(png);
        Assert.That(bytes.AsSpan(1, 3).SequenceEqual("PNG"u8), "PNG signature");
        Assert.That((BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20))), Is.EqualTo((800, 600)));
        Assert.That(bytes.Length, Is.GreaterThan(10_000), "not a blank picture");
    }

    [Test]
    public void Svg_NamesEveryPanelAndSeries()
    {
        var records = MetricsJsonlWriter.Read(WriteMetrics(20));
        string svg = Encoding.UTF8.GetString(MetricsPlot.ToSvg(records, 600, 400));
        Assert.That(svg, Does.StartWith("<?xml").And.Contain("<svg"));
        // Titles and legend entries are written as SVG text.
        foreach (string text in new[] { "loss", "accuracy", "learning rate", "halting steps", "train lm_loss", "eval exact_accuracy" })
        {
            Assert.That(svg, Does.Contain(text), text);
        }
    }

    [Test]
    public void NonFiniteValues_AreNamedInTheLegend()
    {
        var records = new List<MetricsRecord>
        {
            new(1, "train", new Dictionary<string, double> { ["lm_loss"] = 2.5, ["lr"] = 1e-4 }),
            new(2, "train", new Dictionary<string, double> { ["lm_loss"] = double.NaN, ["lr"] = 2e-4 }),
            new(3, "train", new Dictionary<string, double> { ["lm_loss"] = double.NaN, ["lr"] = 3e-4 }),
        };
        string svg = Encoding.UTF8.GetString(MetricsPlot.ToSvg(records, 600, 400));
        Assert.That(svg, Does.Contain("train lm_loss (not finite at 2 steps from 2)"));
        Assert.That(svg, Does.Not.Contain("train lr (not finite"));
    }

    [Test]
    public void UnknownExtension_IsRejected() =>
        Assert.Throws<ArgumentException>(() => MetricsPlot.Save(WriteMetrics(2), Path.Combine(_dir, "x.jpg")));

    [Test]
    public async Task TrmPlot_WritesThePictureAndCountsRecords()
    {
        string metrics = WriteMetrics(10);
        var stdout = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(stdout);
        int code;
        try
        {
            code = await TrmCommandLine.InvokeAsync(["plot", metrics, "-o", Path.Combine(_dir, "m.svg")]);
        }
        finally
        {
            Console.SetOut(previous);
        }
        Assert.That(code, Is.EqualTo(0));
        Assert.That(stdout.ToString().Trim(), Is.EqualTo($"{Path.Combine(_dir, "m.svg")}: 11 records plotted"));
        Assert.That(File.ReadAllText(Path.Combine(_dir, "m.svg")), Does.Contain("<svg"));
    }

    [Test]
    public void Comparison_LabelsEachRunAndSmoothsTraining()
    {
        var records = MetricsJsonlWriter.Read(WriteMetrics(20));
        string svg = Path.Combine(_dir, "both.svg");
        MetricsPlot.SaveComparison([("ours", records), ("peer", records)], svg, 1600, 1200, smoothing: 5);
        string text = File.ReadAllText(svg);
        foreach (string name in new[] { "ours train lm_loss (mean of 5)", "peer train lm_loss (mean of 5)", "ours eval exact_accuracy", "peer eval exact_accuracy" })
        {
            Assert.That(text, Does.Contain(name), name);
        }
        Assert.Throws<ArgumentException>(() => MetricsPlot.SaveComparison([], svg));
        Assert.Throws<ArgumentOutOfRangeException>(() => MetricsPlot.SaveComparison([("a", records)], svg, smoothing: 0));
    }

    [Test]
    public async Task TrmPlot_DrawsSeveralFilesWithLabels()
    {
        string first = WriteMetrics(10);
        string second = Path.Combine(_dir, "second.jsonl");
        File.Copy(first, second);
        string svg = Path.Combine(_dir, "two.svg");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var (previous, previousError) = (Console.Out, Console.Error);
        Console.SetOut(stdout);
        Console.SetError(stderr);
        int code, mismatched;
        try
        {
            code = await TrmCommandLine.InvokeAsync(["plot", first, second, "--label", "trm", "--label", "torch", "--smooth", "3", "--width", "1600", "--height", "1200", "-o", svg]);
            mismatched = await TrmCommandLine.InvokeAsync(["plot", first, second, "--label", "trm", "-o", svg]);
        }
        finally
        {
            Console.SetOut(previous);
            Console.SetError(previousError);
        }
        Assert.That(code, Is.EqualTo(0), stderr.ToString());
        Assert.That(stdout.ToString(), Does.Contain("22 records plotted"));
        Assert.That(File.ReadAllText(svg), Does.Contain("torch train lm_loss (mean of 3)").And.Contain("trm eval exact_accuracy"));
        Assert.That(mismatched, Is.EqualTo(2));
        Assert.That(stderr.ToString(), Does.Contain("1 --label values for 2 metrics files"));
    }
}

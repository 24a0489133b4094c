using ScottPlot;
using SkiaSharp;
using Trm.Training.Metrics;

namespace Trm.Visualization;

/// <summary>
/// Draws a metrics log (the trainer's <c>metrics.jsonl</c>) as four panels against the optimizer step: loss, accuracy,
/// learning rate and halting (ACT) steps; training values as lines, evaluation values as markers.
/// </summary>
public static class MetricsPlot
{
    /// <summary>The panels: title, then the metric names drawn in it.</summary>
    private static readonly (string Title, string[] Metrics)[] Panels =
    [
        ("loss", ["lm_loss", "q_halt_loss"]),
        ("accuracy", ["accuracy", "exact_accuracy"]),
        ("learning rate", ["lr"]),
        ("halting steps", ["steps"]),
    ];

    /// <summary>Writes the plot of the metrics file <paramref name="metricsPath"/> to <paramref name="outputPath"/>.</summary>
    /// <param name="metricsPath">A metrics JSONL file written by the trainer.</param>
    /// <param name="outputPath">The picture: <c>.png</c> or <c>.svg</c> by extension.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <returns>The number of records drawn.</returns>
    /// <exception cref="InvalidDataException">A line of the metrics file is not a metrics record.</exception>
    /// <exception cref="ArgumentException">The output extension is neither .png nor .svg.</exception>
    public static int Save(string metricsPath, string outputPath, int width = 1200, int height = 800)
    {
        var records = MetricsJsonlWriter.Read(metricsPath);
        Save(records, outputPath, width, height);
        return records.Count;
    }

    /// <summary>Writes the plot of <paramref name="records"/> to <paramref name="outputPath"/> (<c>.png</c> or <c>.svg</c>).</summary>
    /// <param name="records">Metrics records, e.g. from <see cref="MetricsJsonlWriter.Read(string)"/>.</param>
    /// <param name="outputPath">The picture: <c>.png</c> or <c>.svg</c> by extension.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public static void Save(IReadOnlyList<MetricsRecord> records, string outputPath, int width = 1200, int height = 800)
    {
        ArgumentNullException.ThrowIfNull(records);
        string extension = Path.GetExtension(outputPath).ToLowerInvariant();
        byte[] bytes = extension switch
        {
            ".png" => ToPng(records, width, height),
            ".svg" => ToSvg(records, width, height),
            _ => throw new ArgumentException($"'{outputPath}': the picture must end in .png or .svg.", nameof(outputPath)),
        };
        string? folder = Path.GetDirectoryName(Path.GetFullPath(outputPath));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.WriteAllBytes(outputPath, bytes);
    }

    /// <summary>The plot as PNG bytes.</summary>
    /// <param name="records">Metrics records.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public static byte[] ToPng(IReadOnlyList<MetricsRecord> records, int width = 1200, int height = 800)
    {
        ArgumentNullException.ThrowIfNull(records);
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        Draw(records, surface.Canvas, width, height);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>The plot as an HTML <c>img</c> element holding the PNG (for notebooks and reports).</summary>
    /// <param name="records">Metrics records.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public static string ToHtml(IReadOnlyList<MetricsRecord> records, int width = 900, int height = 600) =>
        $"<img class=\"trm-metrics\" width=\"{width}\" height=\"{height}\" src=\"data:image/png;base64,{Convert.ToBase64String(ToPng(records, width, height))}\" />";

    /// <summary>The plot as an SVG document (UTF-8 bytes).</summary>
    /// <param name="records">Metrics records.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public static byte[] ToSvg(IReadOnlyList<MetricsRecord> records, int width = 1200, int height = 800)
    {
        ArgumentNullException.ThrowIfNull(records);
        using var stream = new MemoryStream();
        using (var managed = new SKManagedWStream(stream))
        using (var canvas = SKSvgCanvas.Create(SKRect.Create(width, height), managed))
        {
            Draw(records, canvas, width, height);
        }
        return stream.ToArray();
    }

    /// <summary>
    /// Writes several runs' metrics into one picture (the same four panels; each series named by its run's label), e.g. two
    /// trainers started from the same weights. Training values can be smoothed by a trailing mean.
    /// </summary>
    /// <param name="runs">Label and records of each run, drawn in this order.</param>
    /// <param name="outputPath">The picture: <c>.png</c> or <c>.svg</c> by extension.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="smoothing">Training values are the mean of the last this many logged steps (1: as logged).</param>
    /// <exception cref="ArgumentException">No run is given, or the output extension is neither .png nor .svg.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="smoothing"/> is below 1.</exception>
    public static void SaveComparison(IReadOnlyList<(string Label, IReadOnlyList<MetricsRecord> Records)> runs, string outputPath, int width = 1200, int height = 800, int smoothing = 1)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0) throw new ArgumentException("at least one run is needed", nameof(runs));
        ArgumentOutOfRangeException.ThrowIfLessThan(smoothing, 1);
        string extension = Path.GetExtension(outputPath).ToLowerInvariant();
        if (extension is not (".png" or ".svg")) throw new ArgumentException($"'{outputPath}': the picture must end in .png or .svg.", nameof(outputPath));
        byte[] bytes;
        if (extension == ".png")
        {
            using var surface = SKSurface.Create(new SKImageInfo(width, height));
            Draw(runs, smoothing, surface.Canvas, width, height);
            using var image = surface.Snapshot();
            using var data = image.Encode(SKEncodedImageFormat.Png, 100);
            bytes = data.ToArray();
        }
        else
        {
            using var stream = new MemoryStream();
            using (var managed = new SKManagedWStream(stream))
            using (var canvas = SKSvgCanvas.Create(SKRect.Create(width, height), managed))
            {
                Draw(runs, smoothing, canvas, width, height);
            }
            bytes = stream.ToArray();
        }
        string? folder = Path.GetDirectoryName(Path.GetFullPath(outputPath));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.WriteAllBytes(outputPath, bytes);
    }

    private static void Draw(IReadOnlyList<MetricsRecord> records, SKCanvas canvas, int width, int height) =>
        Draw([("", records)], 1, canvas, width, height);

    /// <summary>One panel per metric group, laid out 2 × 2.</summary>
    private static void Draw(IReadOnlyList<(string Label, IReadOnlyList<MetricsRecord> Records)> runs, int smoothing, SKCanvas canvas, int width, int height)
    {
        canvas.Clear(SKColors.White);
        for (int i = 0; i < Panels.Length; i++)
        {
            var plot = Panel(runs, smoothing, Panels[i].Title, Panels[i].Metrics);
            int w = width / 2, h = height / 2, left = i % 2 * w, top = i / 2 * h;
            // Each panel draws (and clears) only its quarter.
            canvas.Save();
            canvas.ClipRect(SKRect.Create(left, top, w, h));
            canvas.Translate(left, top);
            plot.Render(canvas, w, h);
            canvas.Restore();
        }
    }

    private static Plot Panel(IReadOnlyList<(string Label, IReadOnlyList<MetricsRecord> Records)> runs, int smoothing, string title, string[] metrics)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("step");
        bool any = false;
        foreach (var (label, records) in runs)
        {
            string prefix = label.Length == 0 ? "" : label + " ";
            foreach (string split in records.Select(r => r.Split).Distinct())
            {
                foreach (string metric in metrics)
                {
                    // Per-example metrics of a step where no example halted are 0 with count 0: not a measurement.
                    bool perExample = metric is not ("lr" or "lm_loss" or "q_halt_loss");
                    var points = records.Where(r => r.Split == split && double.IsFinite(r[metric]) && !(perExample && r["count"] == 0)).ToList();
                    if (points.Count == 0) continue;
                    bool train = split == "train";
                    var values = points.Select(r => r[metric]).ToArray();
                    if (train && smoothing > 1) values = TrailingMean(values, smoothing);
                    var scatter = plot.Add.Scatter(points.Select(r => (double)r.Step).ToArray(), values);
                    // Steps where the value was logged as NaN/infinity (null in the JSONL) are said, not silently dropped.
                    var bad = records.Where(r => r.Split == split && r.Values.ContainsKey(metric) && !double.IsFinite(r[metric])).ToList();
                    string name = $"{prefix}{split} {metric}{(train && smoothing > 1 ? $" (mean of {smoothing})" : "")}";
                    scatter.LegendText = bad.Count == 0 ? name : $"{name} (not finite at {bad.Count} steps from {bad[0].Step})";
                    scatter.LineWidth = train ? 1.5f : 0;
                    scatter.MarkerSize = train ? 0 : 7;
                    any = true;
                }
            }
        }
        // Accuracies rise to the top right; their legend goes below them.
        if (any) plot.ShowLegend(title == "accuracy" ? Alignment.LowerRight : Alignment.UpperRight);
        var all = runs.SelectMany(r => r.Records).ToList();
        if (all.Count > 0)
        {
            // Every panel spans the whole run, so a series that stops early is seen to stop.
            long first = all.Min(r => r.Step), last = all.Max(r => r.Step);
            plot.Axes.SetLimitsX(first, Math.Max(last, first + 1));
        }
        return plot;
    }

    private static double[] TrailingMean(double[] values, int window)
    {
        var result = new double[values.Length];
        double sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            sum += values[i];
            if (i >= window) sum -= values[i - window];
            result[i] = sum / Math.Min(i + 1, window);
        }
        return result;
    }
}

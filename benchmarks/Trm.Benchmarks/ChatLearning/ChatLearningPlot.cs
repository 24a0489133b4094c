using System.Globalization;
using ScottPlot;
using SkiaSharp;

namespace Trm.Benchmarks.ChatLearning;

/// <summary>
/// Draws the learning comparison of one tokenization as a PNG of three panels: validation loss against training tokens,
/// against training FLOPs and against measured training CPU seconds, one line per run CSV of <see cref="ChatLearningRun"/>.
/// </summary>
internal static class ChatLearningPlot
{
    private static readonly (string Column, double Scale, string Label)[] Axes =
    [
        ("tokens", 1e-3, "training tokens (thousands)"),
        ("train_flops", 1e-12, "training TFLOP (matrix products)"),
        ("train_cpu_s", 1, "training CPU seconds (1 thread)"),
    ];

    /// <param name="output">The PNG path.</param>
    /// <param name="title">Title prefix of the panels.</param>
    /// <param name="runs">(legend, CSV path) of each run.</param>
    public static void Save(string output, string title, IReadOnlyList<(string Legend, string Csv)> runs)
    {
        const int panelWidth = 640, height = 480;
        var tables = runs.Select(r => (r.Legend, Rows: Read(r.Csv))).ToList();
        using var surface = SKSurface.Create(new SKImageInfo(panelWidth * Axes.Length, height));
        surface.Canvas.Clear(SKColors.White);
        for (int i = 0; i < Axes.Length; i++)
        {
            var plot = new Plot();
            plot.Title($"{title}: validation loss");
            plot.XLabel(Axes[i].Label);
            plot.YLabel("validation cross-entropy (nats/token)");
            foreach (var (legend, rows) in tables)
            {
                var xs = rows.Select(r => r[Axes[i].Column] * Axes[i].Scale).ToArray();
                var ys = rows.Select(r => r["val_loss"]).ToArray();
                var line = plot.Add.Scatter(xs, ys);
                line.LegendText = legend;
                line.LineWidth = 2;
                line.MarkerSize = 5;
            }

            plot.ShowLegend(Alignment.UpperRight);
            surface.Canvas.Save();
            surface.Canvas.ClipRect(SKRect.Create(i * panelWidth, 0, panelWidth, height));
            surface.Canvas.Translate(i * panelWidth, 0);
            plot.Render(surface.Canvas, panelWidth, height);
            surface.Canvas.Restore();
        }

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(output));
        if (folder is not null) Directory.CreateDirectory(folder);
        Trm.Core.IO.AtomicFile.Write(output, stream => png.SaveTo(stream));
    }

    /// <summary>Reads a run CSV (header row, then numbers) into one dictionary per row.</summary>
    private static List<Dictionary<string, double>> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length < 2) throw new InvalidDataException($"{path}: no rows");
        var header = lines[0].Split(',');
        var rows = new List<Dictionary<string, double>>();
        for (int n = 1; n < lines.Length; n++)
        {
            var cells = lines[n].Split(',');
            if (cells.Length != header.Length) throw new InvalidDataException($"{path}:{n + 1}: {cells.Length} fields, the header has {header.Length}");
            var row = new Dictionary<string, double>();
            for (int c = 0; c < header.Length; c++)
            {
                row[header[c]] = double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
                    ? v
                    : throw new InvalidDataException($"{path}:{n + 1}: field '{header[c]}' is not a number: '{cells[c]}'");
            }

            rows.Add(row);
        }

        return rows;
    }
}

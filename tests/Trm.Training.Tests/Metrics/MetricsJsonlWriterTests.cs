using Trm.Training.Metrics;

namespace Trm.Training.Tests.Metrics;

public sealed class MetricsJsonlWriterTests
{
    [Test]
    public void FormatsOneObjectPerLine()
    {
        var line = MetricsJsonlWriter.Format(
            new MetricsRecord(12, "train", new Dictionary<string, double> { ["lm_loss"] = 0.5, ["lr"] = 1e-4, ["bad"] = double.NaN }),
            new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        Assert.That(line, Is.EqualTo("{\"step\":12,\"split\":\"train\",\"time\":\"2026-01-02T03:04:05.0000000Z\",\"lm_loss\":0.5,\"lr\":0.0001,\"bad\":null}"));
    }

    [Test]
    public void WritesReadsAndTruncatesForResume()
    {
        var file = Path.Combine(Path.GetTempPath(), $"trm-metrics-{Guid.NewGuid():N}", "metrics.jsonl");
        try
        {
            using (var writer = new MetricsJsonlWriter(file))
            {
                for (var step = 1; step <= 5; step++)
                {
                    writer.Write(new MetricsRecord(step, "train", new Dictionary<string, double> { ["lm_loss"] = 1.0 / step }));
                }
                writer.Write(new MetricsRecord(5, "eval", new Dictionary<string, double> { ["exact_accuracy"] = 0.25 }));
            }
            var records = MetricsJsonlWriter.Read(file);
            Assert.That(records, Has.Count.EqualTo(6));
            Assert.That(records[2]["lm_loss"], Is.EqualTo(1.0 / 3));
            Assert.That(records[5].Split, Is.EqualTo("eval"));
            Assert.That(records[5]["exact_accuracy"], Is.EqualTo(0.25));

            MetricsJsonlWriter.TruncateAfter(file, 3);
            Assert.That(MetricsJsonlWriter.Read(file).Select(r => r.Step), Is.EqualTo(new long[] { 1, 2, 3 }));

            using (var writer = new MetricsJsonlWriter(file))
            {
                writer.Write(new MetricsRecord(4, "train", new Dictionary<string, double> { ["lm_loss"] = 9 }));
            }
            Assert.That(MetricsJsonlWriter.Read(file).Select(r => r.Step), Is.EqualTo(new long[] { 1, 2, 3, 4 }));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    [Test]
    public void MalformedLineNamesFileAndLine()
    {
        var file = Path.Combine(Path.GetTempPath(), $"trm-metrics-{Guid.NewGuid():N}.jsonl");
        File.WriteAllText(file, "{\"step\":1,\"split\":\"train\"}\n{\"split\":\"train\"}\n");
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => MetricsJsonlWriter.Read(file))!;
            Assert.That(e.Message, Does.StartWith($"{file}:2:"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void ATornLastLineIsSkippedByReadersAndCutByRemoveTornLastLine()
    {
        var file = Path.Combine(Path.GetTempPath(), $"trm-metrics-{Guid.NewGuid():N}.jsonl");
        const string Whole = "{\"step\":1,\"split\":\"train\",\"lm_loss\":0.5}\n";
        const string Torn = "{\"step\":2,\"split\":\"train\",\"lm_lo";
        try
        {
            File.WriteAllText(file, Whole + Torn);
            var records = MetricsJsonlWriter.Read(file, out var torn);
            Assert.That(records.Select(r => r.Step), Is.EqualTo(new long[] { 1 }));
            Assert.That(torn, Is.EqualTo(Torn));
            Assert.That(File.ReadAllText(file), Is.EqualTo(Whole + Torn), "reading never changes the file");

            Assert.That(MetricsJsonlWriter.RemoveTornLastLine(file), Is.EqualTo(Torn));
            Assert.That(File.ReadAllText(file), Is.EqualTo(Whole));
            Assert.That(MetricsJsonlWriter.RemoveTornLastLine(file), Is.Null, "a whole file is left alone");
            Assert.That(File.ReadAllText(file), Is.EqualTo(Whole));

            // A torn line followed by its newline is torn too; a whole last record missing only its newline gets one.
            File.WriteAllText(file, Whole + Torn + "\n");
            Assert.That(MetricsJsonlWriter.RemoveTornLastLine(file), Is.EqualTo(Torn));
            Assert.That(File.ReadAllText(file), Is.EqualTo(Whole));
            File.WriteAllText(file, Whole.TrimEnd('\n'));
            Assert.That(MetricsJsonlWriter.RemoveTornLastLine(file), Is.Null);
            Assert.That(File.ReadAllText(file), Is.EqualTo(Whole));

            // The writer repairs the file before appending, so a new record never joins a torn one.
            File.WriteAllText(file, Whole + Torn);
            using (var writer = new MetricsJsonlWriter(file))
            {
                writer.Write(new MetricsRecord(2, "train", new Dictionary<string, double> { ["lm_loss"] = 0.25 }));
            }
            Assert.That(MetricsJsonlWriter.Read(file).Select(r => r.Step), Is.EqualTo(new long[] { 1, 2 }));

            // Only the last line may be torn: a broken line before it is an error naming its line.
            File.WriteAllText(file, Whole + Torn + "\n" + Whole);
            Assert.That(() => MetricsJsonlWriter.Read(file), Throws.TypeOf<InvalidDataException>().With.Message.StartsWith($"{file}:2:"));
            Assert.That(() => MetricsJsonlWriter.TruncateAfter(file, 5), Throws.TypeOf<InvalidDataException>().With.Message.StartsWith($"{file}:2:"));
        }
        finally
        {
            File.Delete(file);
        }
    }
}

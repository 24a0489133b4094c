using System.Text.RegularExpressions;

namespace Trm.Cli.Tests.Data;

/// <summary><c>trm data inspect</c> refuses what <c>trm train</c> refuses, with the same message (the same validation code).</summary>
public class InspectValidationTests
{
    private string _root = null!;

    [SetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), "trm-cli-inspect-" + Guid.NewGuid().ToString("N"), "sudoku");
        var build = CliRunner.Run("data", "build-sudoku", "--output-dir", _root, "--subsample-size", "4", "--test-size", "2", "--seed", "1");
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Error);
        Assert.That(CliRunner.Run("data", "inspect", _root).ExitCode, Is.EqualTo(0));
    }

    [TearDown]
    public void TearDown() => Directory.Delete(Path.GetDirectoryName(_root)!, recursive: true);

    [Test]
    public void AMissingTrainDatasetJsonIsRefused()
    {
        var metadata = Path.Combine(_root, "train", "dataset.json");
        File.Delete(metadata);
        var inspect = CliRunner.Run("data", "inspect", _root);
        Assert.That(inspect.ExitCode, Is.EqualTo(1));
        Assert.That(inspect.Error, Does.StartWith("error: ").And.Contain(metadata));
    }

    [Test]
    public void TokensAboveVocabSizeAreRefused()
    {
        var metadata = Path.Combine(_root, "train", "dataset.json");
        File.WriteAllText(metadata, Regex.Replace(File.ReadAllText(metadata), "\"vocab_size\":\\s*11", "\"vocab_size\": 5"));
        var inspect = CliRunner.Run("data", "inspect", _root);
        Assert.That(inspect.ExitCode, Is.EqualTo(1));
        Assert.That(inspect.Error, Does.Contain(Path.Combine(_root, "train", "all__inputs.npy")).And.Contain("outside the vocabulary [0, vocab_size=5)"));
    }
}

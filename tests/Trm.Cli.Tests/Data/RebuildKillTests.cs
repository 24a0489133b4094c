using System.Diagnostics;
using System.Security.Cryptography;
using Trm.Data.Tests.Support;

namespace Trm.Cli.Tests.Data;

/// <summary>
/// <c>trm data build-chat</c> / <c>prepare-text</c> killed with SIGKILL at each stage of a rebuild (a child process kills itself
/// through the <c>TRM_DATA_FAULT</c> injection point): the previous dataset stays byte-identical until the swap, and the next build
/// removes the dead build's staging folder.
/// </summary>
[NonParallelizable]
public class RebuildKillTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "trm-cli-kill-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static SortedDictionary<string, string> Snapshot(string folder) =>
        new(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))), StringComparer.Ordinal);

    private string[] Leftovers() => Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName).Where(n => n!.StartsWith('.')).ToArray()!;

    /// <summary>Runs the trm tool in a child process with the fault injection set; returns its exit code.</summary>
    private static int RunChild(string fault, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "trm.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["TRM_DATA_FAULT"] = fault;
        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEndAsync();
        p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill();
            Assert.Fail($"child did not finish: {string.Join(' ', args)}");
        }
        return p.ExitCode;
    }

    [TestCase("staged")]
    [TestCase("chat:read")]
    [TestCase("chat:written")]
    [TestCase("commit")]
    public void BuildChatKilledBeforeTheSwapKeepsTheOldDataset(string stage)
    {
        var output = Path.Combine(_dir, "out");
        Assert.That(CliRunner.Run("data", "build-chat", "-i", ChatTestData.Path("chat", "alpaca.json"), "-o", output, "--train-split", "1").ExitCode, Is.EqualTo(0));
        var before = Snapshot(output);

        int exit = RunChild($"{stage}:kill", "data", "build-chat", "-i", ChatTestData.Path("chat", "sharegpt.json"), "-o", output, "--train-split", "1");
        Assert.That(exit, Is.EqualTo(137), "killed by SIGKILL");
        Assert.That(Snapshot(output), Is.EqualTo(before), "old dataset byte-identical");
        Assert.That(CliRunner.Run("data", "inspect", output).ExitCode, Is.EqualTo(0), "and readable");
        Assert.That(Leftovers(), Has.Length.EqualTo(1), "the dead build's staging folder");

        Assert.That(CliRunner.Run("data", "build-chat", "-i", ChatTestData.Path("chat", "sharegpt.json"), "-o", output, "--train-split", "1").ExitCode, Is.EqualTo(0));
        Assert.That(Leftovers(), Is.Empty, "removed by the next build");
        Assert.That(Snapshot(output), Is.Not.EqualTo(before));
    }

    [Test]
    public void BuildChatKilledJustAfterTheSwapHasTheNewDataset()
    {
        var output = Path.Combine(_dir, "out");
        var fresh = Path.Combine(_dir, "fresh");
        Assert.That(CliRunner.Run("data", "build-chat", "-i", ChatTestData.Path("chat", "alpaca.json"), "-o", output, "--train-split", "1").ExitCode, Is.EqualTo(0));
        Assert.That(CliRunner.Run("data", "build-chat", "-i", ChatTestData.Path("chat", "sharegpt.json"), "-o", fresh, "--train-split", "1").ExitCode, Is.EqualTo(0));
        int exit = RunChild("swapped:kill", "data", "build-chat", "-i", ChatTestData.Path("chat", "sharegpt.json"), "-o", output, "--train-split", "1");
        Assert.That(exit, Is.EqualTo(137));
        Assert.That(Snapshot(output), Is.EqualTo(Snapshot(fresh)), "the new dataset is complete");
    }

    [TestCase("staged")]
    [TestCase("text:train-written")]
    [TestCase("commit")]
    public void PrepareTextKilledBeforeTheSwapKeepsTheOldDataset(string stage)
    {
        var output = Path.Combine(_dir, "out");
        var text = Path.Combine(_dir, "in.txt");
        File.WriteAllText(text, "first version of the text\n");
        Assert.That(CliRunner.Run("data", "prepare-text", "--input", text, "--tokenizer", "char", "-o", output).ExitCode, Is.EqualTo(0));
        var before = Snapshot(output);
        File.WriteAllText(text, "the second version\n");
        Assert.That(RunChild($"{stage}:kill", "data", "prepare-text", "--input", text, "--tokenizer", "char", "-o", output), Is.EqualTo(137));
        Assert.That(Snapshot(output), Is.EqualTo(before));
    }
}

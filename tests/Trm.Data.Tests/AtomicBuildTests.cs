using System.Diagnostics;
using System.Security.Cryptography;
using Trm.Core.IO;
using Trm.Data.Chat;
using Trm.Data.Puzzles.Arc;
using Trm.Data.Puzzles.Hanoi;
using Trm.Data.Puzzles.Maze;
using Trm.Data.Puzzles.Sudoku;
using Trm.Data.Tests.Support;
using Trm.Data.TokenStream;

namespace Trm.Data.Tests;

/// <summary>
/// A rebuild that fails at any stage (exception, injected or real full disk) leaves the previous dataset byte-identical and no
/// staging folder behind; a dead build's staging folder is removed by the next build. (kill -9 at each stage: Trm.Cli.Tests.)
/// </summary>
[NonParallelizable]
public class AtomicBuildTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "trm-atomic-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        Environment.SetEnvironmentVariable(BuildFaults.Variable, null);
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Every file under <paramref name="folder"/> by relative path, with its SHA-256.</summary>
    internal static SortedDictionary<string, string> Snapshot(string folder) =>
        new(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))), StringComparer.Ordinal);

    /// <summary>Builds <paramref name="kind"/> into <paramref name="output"/>; <paramref name="variant"/> changes the content.</summary>
    internal static void Build(string kind, string output, int variant)
    {
        switch (kind)
        {
            case "chat":
                new ChatDatasetBuilder().FromFile(ChatTestData.Path("chat", variant == 0 ? "alpaca.json" : "sharegpt.json")).WithTrainSplit(1.0)
                    .BuildAsync(output).GetAwaiter().GetResult();
                break;
            case "text":
                var input = Path.Combine(Path.GetDirectoryName(output)!, $"text{variant}.txt");
                File.WriteAllText(input, variant == 0 ? "hello world, hello data" : "a different text entirely");
                TextDatasetPreparer.Prepare(new TextDatasetOptions { InputPath = input, OutputDirectory = output, ValFraction = 0.2 });
                break;
            case "sudoku":
                new SudokuDatasetBuilder().WithSeed(variant + 1).Generate(4, 2).Build(output);
                break;
            case "maze":
                new MazeDatasetBuilder().WithSeed(variant + 1).WithSize(7).WithCounts(2, 1).Build(output);
                break;
            case "hanoi":
                new HanoiDatasetBuilder().WithDiscs(2, variant == 0 ? 3 : 4).Build(output);
                break;
            case "arc":
                new ArcDatasetBuilder().WithSeed(variant + 1).AddTrainingTasks(ChatTestData.Path("arc", "training"))
                    .AddEvaluationTasks(ChatTestData.Path("arc", "evaluation")).WithAugmentations(variant).Build(output);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private static string TrainStage(string kind) => kind switch
    {
        "chat" => "chat:written",
        "text" => "text:train-written",
        _ => "puzzle:train-written",
    };

    [TestCase("chat", "staged")]
    [TestCase("chat", "chat:read")]
    [TestCase("chat", "train")]
    [TestCase("chat", "commit")]
    [TestCase("text", "staged")]
    [TestCase("text", "train")]
    [TestCase("text", "commit")]
    [TestCase("sudoku", "train")]
    [TestCase("sudoku", "commit")]
    [TestCase("maze", "train")]
    [TestCase("hanoi", "train")]
    [TestCase("arc", "train")]
    [TestCase("arc", "commit")]
    public void AFailedRebuildLeavesTheOldDatasetByteIdentical(string kind, string stage)
    {
        var output = Path.Combine(_dir, "out");
        Build(kind, output, 0);
        var before = Snapshot(output);
        Assert.That(before, Is.Not.Empty);

        Environment.SetEnvironmentVariable(BuildFaults.Variable, $"{(stage == "train" ? TrainStage(kind) : stage)}:throw");
        var ex = Assert.Catch(() => Build(kind, output, 1))!;
        Assert.That(ex.Message, Does.Contain("injected fault"));
        Environment.SetEnvironmentVariable(BuildFaults.Variable, null);

        Assert.That(Snapshot(output), Is.EqualTo(before), "old dataset untouched");
        Assert.That(Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName).Where(n => n!.StartsWith('.')), Is.Empty, "staging folder removed");

        Build(kind, output, 1);
        Assert.That(Snapshot(output), Is.Not.EqualTo(before), "the rebuild itself works and replaces the dataset");
    }

    [Test]
    public void AnInjectedFullDiskDuringARebuildKeepsTheOldDataset()
    {
        var output = Path.Combine(_dir, "out");
        Build("chat", output, 0);
        var before = Snapshot(output);
        Environment.SetEnvironmentVariable(BuildFaults.Variable, "chat:written:enospc");
        var ex = Assert.Throws<IOException>(() => Build("chat", output, 1))!;
        Assert.That(ex.Message, Does.Contain("No space left on device"));
        Assert.That(Snapshot(output), Is.EqualTo(before));
    }

    [Test]
    public void ARealFullDiskDuringARebuildKeepsTheOldDataset()
    {
        var mount = Path.Combine(_dir, "small-disk");
        Directory.CreateDirectory(mount);
        if (!Mount(mount, "256k"))
            Assert.Ignore("cannot mount a tmpfs here (needs root): the full-disk case is covered by the injected fault test");
        try
        {
            var output = Path.Combine(mount, "out");
            Build("text", output, 0);
            var before = Snapshot(output);
            // Leave ~16 KB free, then rebuild from a 64 KB text: train.bin alone needs more than that.
            FillDisk(mount, 16 * 1024);
            var input = Path.Combine(_dir, "big.txt");
            File.WriteAllText(input, string.Concat(Enumerable.Range(0, 64 * 1024).Select(i => (char)('a' + (i % 26)))));
            var ex = Assert.Catch<IOException>(() => TextDatasetPreparer.Prepare(new TextDatasetOptions { InputPath = input, OutputDirectory = output }))!;
            Assert.That(ex.Message, Does.Contain("No space left on device"));
            Assert.That(Snapshot(output), Is.EqualTo(before), "old dataset byte-identical");
            Assert.That(Directory.GetFileSystemEntries(mount).Select(Path.GetFileName).Where(n => n!.StartsWith('.')), Is.Empty, "staging folder removed");
        }
        finally
        {
            Run("umount", mount);
        }
    }

    [Test]
    public void ADeadBuildsStagingFolderIsRemovedAndAHalfSwapIsUndoneByTheNextBuild()
    {
        var output = Path.Combine(_dir, "out");
        Build("sudoku", output, 0);
        // pid 2147483 cannot exist (above Linux's pid_max): its folders are a dead build's.
        var dead = Path.Combine(_dir, ".out.2147483.0123456789abcdef.tmp");
        Directory.CreateDirectory(Path.Combine(dead, "train"));
        File.WriteAllText(Path.Combine(dead, "train", "dataset.json"), "{}");
        var unrelated = Path.Combine(_dir, ".other.2147483.0123456789abcdef.tmp");
        Directory.CreateDirectory(unrelated);
        Build("sudoku", output, 1);
        Assert.That(Directory.Exists(dead), Is.False, "dead build's staging removed");
        Assert.That(Directory.Exists(unrelated), Is.True, "another target's folder is left alone");

        // A build killed between the two renames of the fallback swap: the target is missing, the old output is in ".tmp.old".
        var snapshot = Snapshot(output);
        var half = Path.Combine(_dir, ".out.2147483.fedcba9876543210.tmp.old");
        Directory.Move(output, half);
        AtomicDirectory.RemoveDeadStaging(output);
        Assert.That(Snapshot(output), Is.EqualTo(snapshot), "old output put back");
        Assert.That(Directory.Exists(half), Is.False);
    }

    private static bool Mount(string path, string size) =>
        Environment.UserName == "root" && OperatingSystem.IsLinux() && Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", path) == 0;

    private static void FillDisk(string mount, long leave)
    {
        using var fs = new FileStream(Path.Combine(mount, "filler"), FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        var block = new byte[4096];
        try
        {
            while (true)
            {
                fs.Write(block);
            }
        }
        catch (IOException)
        {
        }
        fs.SetLength(Math.Max(0, fs.Length - leave));
    }

    private static int Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            p.WaitForExit();
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}

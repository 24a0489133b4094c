using System.Diagnostics;
using System.Text;
using Trm.Tokenization;

namespace Trm.Cli.Tests;

/// <summary><c>trm tokenize</c>/<c>detokenize</c>: invalid UTF-8 handling, streamed round trips, and bounded memory on 100 MB.</summary>
[NonParallelizable]
public class TokenizeStreamingTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "trm-cli-stream-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static readonly byte[] Invalid = [.. "Hello\nwor"u8, 0xFF, .. "ld"u8];

    [Test]
    public void InvalidUtf8IsAnErrorNamingLineAndByteOffset()
    {
        var result = CliRunner.RunWithBytes(Invalid, "tokenize");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.StartWith("error: <stdin>:2: invalid UTF-8 at byte offset 9 (bytes FF)"));
        var file = Path.Combine(_dir, "bad.txt");
        File.WriteAllBytes(file, Invalid);
        Assert.That(CliRunner.Run("tokenize", "-i", file, "--format", "count").Error, Does.StartWith($"error: {file}:2: invalid UTF-8 at byte offset 9"));
    }

    [Test]
    public void ReplaceAndSkipReportHowMany()
    {
        var gpt2 = Tokenizer.FromName("gpt2");
        var replaced = CliRunner.RunWithBytes(Invalid, "tokenize", "--invalid-utf8", "replace");
        Assert.That(replaced.ExitCode, Is.EqualTo(0), replaced.Error);
        Assert.That(replaced.Output, Is.EqualTo(string.Join(' ', gpt2.EncodeToIds("Hello\nwor\uFFFDld")) + "\n"));
        Assert.That(replaced.Error, Is.EqualTo("1 invalid UTF-8 sequences replaced with U+FFFD\n"));
        var skipped = CliRunner.RunWithBytes(Invalid, "tokenize", "--invalid-utf8", "skip");
        Assert.That(skipped.Output, Is.EqualTo(string.Join(' ', gpt2.EncodeToIds("Hello\nworld")) + "\n"));
        Assert.That(skipped.Error, Is.EqualTo("1 invalid UTF-8 sequences dropped\n"));
    }

    [Test]
    public void AStreamedRoundTripOfSeveralChunksGivesTheTextBack()
    {
        // ~2.6 MB: several 1 MB tokenizer chunks and over 65,536 ids, so detokenize decodes in batches whose boundaries
        // fall inside multi-token emoji (a character split between batches).
        var text = new StringBuilder();
        for (int i = 0; text.Length < 2_600_000; i++) text.Append("line ").Append(i).Append(" café 😀🎉 naïve\n");
        var input = Path.Combine(_dir, "in.txt");
        File.WriteAllText(input, text.ToString());
        var ids = CliRunner.Run("tokenize", "-i", input);
        Assert.That(ids.ExitCode, Is.EqualTo(0), ids.Error);
        Assert.That(ids.Output, Is.EqualTo(string.Join(' ', Tokenizer.FromName("gpt2").EncodeToIds(text.ToString())) + "\n"));
        var idsFile = Path.Combine(_dir, "ids.txt");
        File.WriteAllText(idsFile, ids.Output);
        var back = CliRunner.Run("detokenize", "-i", idsFile);
        Assert.That(back.ExitCode, Is.EqualTo(0), back.Error);
        Assert.That(back.Output == text.ToString(), Is.True, "round trip");
    }

    [Test]
    public void DetokenizeNamesTheLineOfABadId()
    {
        var result = CliRunner.RunWithInput("1 2\n3 x4\n", "detokenize");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Is.EqualTo("error: input line 2: 'x4' is not a token id.\n"));
    }

    /// <summary>
    /// 100 MB of text through <c>trm tokenize --format ids</c>, its ids back through <c>trm detokenize</c>, and the text through
    /// <c>trm data prepare-text --tokenizer gpt2</c>, and ~100 MB of Dolly records through <c>trm data build-chat</c>, each in a child
    /// process (the tool as a user runs it) whose peak resident set (VmHWM in /proc/PID/status) must stay under 200 MB.
    /// </summary>
    [Test]
    public void HundredMegabytesThroughTokenizeDetokenizePrepareTextAndBuildChatInBoundedMemory()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("reads /proc");
        var input = Path.Combine(_dir, "big.txt");
        var words = new[] { "the", "recursive", "model", "reasons", "over", "tiny", "puzzles", "and", "chat", "données", "😀", "answers", "quickly" };
        using (var w = new StreamWriter(input, false, new UTF8Encoding(false), 1 << 20))
        {
            var rng = new Random(7);
            long written = 0;
            var line = new StringBuilder();
            while (written < 100L << 20)
            {
                line.Clear();
                int n = rng.Next(3, 30);
                for (int i = 0; i < n; i++) line.Append(words[rng.Next(words.Length)]).Append(i + 1 < n ? " " : ".\n");
                w.Write(line);
                written += Encoding.UTF8.GetByteCount(line.ToString());
            }
        }
        var ids = Path.Combine(_dir, "big.ids");
        var (tokenizeExit, tokenizePeak) = RunMeasured($"tokenize -i '{input}' --format ids > '{ids}'");
        Assert.That(tokenizeExit, Is.EqualTo(0));
        Assert.That(new FileInfo(ids).Length, Is.GreaterThan(50L << 20));
        var (detokenizeExit, detokenizePeak) = RunMeasured($"detokenize -i '{ids}' > '{Path.Combine(_dir, "back.txt")}'");
        Assert.That(detokenizeExit, Is.EqualTo(0));
        var chat = Path.Combine(_dir, "big.jsonl");
        using (var w = new StreamWriter(chat, false, new UTF8Encoding(false), 1 << 20))
        using (var text = new StreamReader(input))
        {
            long written = 0;
            while (written < 100L << 20 && text.ReadLine() is { } question && text.ReadLine() is { } answer)
            {
                var line = $"{{\"instruction\": \"{question}\", \"context\": \"\", \"response\": \"{answer}\", \"category\": \"open_qa\"}}\n";
                w.Write(line);
                written += Encoding.UTF8.GetByteCount(line);
            }
        }
        var (chatExit, chatPeak) = RunMeasured($"data build-chat -i '{chat}' -o '{Path.Combine(_dir, "chat")}' > /dev/null");
        Assert.That(chatExit, Is.EqualTo(0));
        var (prepareExit, preparePeak) = RunMeasured($"data prepare-text -i '{input}' --tokenizer gpt2 -o '{Path.Combine(_dir, "ds")}' > /dev/null");
        Assert.That(prepareExit, Is.EqualTo(0));
        TestContext.Out.WriteLine($"peak working set: tokenize {tokenizePeak >> 20} MB, detokenize {detokenizePeak >> 20} MB, prepare-text {preparePeak >> 20} MB, build-chat {chatPeak >> 20} MB");
        Assert.That(tokenizePeak, Is.LessThan(200L << 20), "tokenize peak");
        Assert.That(detokenizePeak, Is.LessThan(200L << 20), "detokenize peak");
        Assert.That(preparePeak, Is.LessThan(200L << 20), "prepare-text peak");
        Assert.That(chatPeak, Is.LessThan(200L << 20), "build-chat peak");
        Assert.That(new FileInfo(Path.Combine(_dir, "back.txt")).Length, Is.EqualTo(new FileInfo(input).Length), "round trip");
    }

    /// <summary>Runs <c>trm ARGS</c> (bash exec: the same pid) and samples its VmHWM until it exits.</summary>
    private static (int Exit, long PeakBytes) RunMeasured(string args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"exec dotnet '{Path.Combine(AppContext.BaseDirectory, "trm.dll")}' {args}");
        using var p = Process.Start(psi)!;
        var error = p.StandardError.ReadToEndAsync();
        long peak = 0;
        var status = $"/proc/{p.Id}/status";
        while (!p.HasExited)
        {
            try
            {
                foreach (var line in File.ReadLines(status))
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                        peak = Math.Max(peak, long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024);
            }
            catch (IOException)
            {
            }
            Thread.Sleep(20);
        }
        p.WaitForExit();
        Assert.That(error.Result, Is.Empty.Or.Not.Contain("error"), error.Result);
        return (p.ExitCode, peak);
    }
}

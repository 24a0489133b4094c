using System.Security.Cryptography;
using Trm.Data.Chat;
using Trm.Data.Download;
using Trm.Data.Readers;
using Trm.Data.Sft;
using Trm.Data.Tests.Readers;
using Trm.Data.Tests.Support;

namespace Trm.Data.Tests.Download;

public class HubDatasetTests
{
    private const string Revision = "0123456789abcdef0123456789abcdef01234567";

    [Test]
    public void RegistryEntries_ArePinnedToARevision()
    {
        Assert.That(DatasetRegistry.Gsm8k.Shards.Select(s => s.Url.ToString()), Is.EqualTo(new[]
        {
            "https://huggingface.co/datasets/openai/gsm8k/resolve/740312add88f781978c0658806c59bc2815b9866/main/train-00000-of-00001.parquet",
            "https://huggingface.co/datasets/openai/gsm8k/resolve/740312add88f781978c0658806c59bc2815b9866/main/test-00000-of-00001.parquet",
        }));
        Assert.That(DatasetRegistry.Gsm8k.Shards.Select(s => s.FileName), Is.EqualTo(new[] { "gsm8k-main-train-00000-of-00001.parquet", "gsm8k-main-test-00000-of-00001.parquet" }));
        Assert.That(DatasetRegistry.SmolSmolTalk.Shards, Has.Count.EqualTo(5));
        Assert.That(DatasetRegistry.Hub.SelectMany(d => d.Shards).All(s => s.Sha256 is { Length: 64 } && s.Url.AbsolutePath.Contains("/resolve/" + (s.Name == "gsm8k" ? DatasetRegistry.Gsm8k.Revision : DatasetRegistry.SmolSmolTalk.Revision) + "/", StringComparison.Ordinal)), Is.True);
        Assert.That(DatasetRegistry.FindFiles("SMOL-smoltalk"), Has.Count.EqualTo(5));
        Assert.That(DatasetRegistry.FindFiles("dolly").Single().Name, Is.EqualTo("dolly"));
        Assert.Throws<TrmDataException>(() => DatasetRegistry.FindFiles("nope"));
        Assert.Throws<ArgumentException>(() => HubDataset.Create("x", "x", "a/b", "main", [("f.parquet", null)], ChatFormat.Auto, "MIT"));
    }

    [Test]
    public async Task Shards_DownloadFromALocalServer_AndReadAsConversations()
    {
        using var server = new LocalHttpServer();
        using var source = new ScratchDirectory();
        using var output = new ScratchDirectory();
        var train = source.File("train.parquet");
        var test = source.File("test.parquet");
        ParquetTestFiles.WriteQuestionAnswer(train, ("What is 3*4?", "3*4 = <<3*4=12>>12\n#### 12"), ("1+1?", "1+1=2\n#### 2"));
        ParquetTestFiles.WriteQuestionAnswer(test, ("2+5?", "#### 7"));
        var trainBytes = File.ReadAllBytes(train);
        var testBytes = File.ReadAllBytes(test);
        server.Add($"datasets/openai/gsm8k/resolve/{Revision}/main/train-00000-of-00001.parquet", new LocalHttpServer.Route { Content = trainBytes, DropAfterBytes = trainBytes.Length / 2, DropTimes = 1 });
        server.Add($"datasets/openai/gsm8k/resolve/{Revision}/main/test-00000-of-00001.parquet", new LocalHttpServer.Route { Content = testBytes });
        var hub = HubDataset.Create("gsm8k", "test", "openai/gsm8k", Revision,
            [("main/train-00000-of-00001.parquet", Convert.ToHexStringLower(SHA256.HashData(trainBytes))), ("main/test-00000-of-00001.parquet", null)],
            ChatFormat.Gsm8k, "MIT", server.BaseUri);

        var downloader = new DatasetDownloader(options: new DownloadOptions { InitialBackoff = TimeSpan.FromMilliseconds(5), MaxBackoff = TimeSpan.FromMilliseconds(20) });
        var results = await downloader.DownloadAllAsync(hub.Shards, output.Path);

        Assert.That(results.Select(r => Path.GetFileName(r.Path)), Is.EqualTo(new[] { "gsm8k-main-train-00000-of-00001.parquet", "gsm8k-main-test-00000-of-00001.parquet" }));
        Assert.That(results[0].Resumed, Is.True);
        Assert.That(File.ReadAllBytes(results[0].Path), Is.EqualTo(trainBytes));
        var mixture = new SftMixtureBuilder().Add(SftSource.FromFiles(hub.LocalPaths(output.Path), name: "gsm8k")).Mix();
        Assert.That(mixture.Manifest.Sources[0].Taken, Is.EqualTo(3));
        var first = new ChatFileReader(results[0].Path).Read().First();
        Assert.That((first.Turns[1].Text, first.Turns[1].Reasoning), Is.EqualTo(("#### 12", (string?)"3*4 = 12")));

        var moved = DatasetRegistry.Gsm8k.WithEndpoint(new Uri("http://mirror.local/hf/"));
        Assert.That(moved.Shards[0].Url.ToString(), Is.EqualTo("http://mirror.local/hf/datasets/openai/gsm8k/resolve/740312add88f781978c0658806c59bc2815b9866/main/train-00000-of-00001.parquet"));
    }
}

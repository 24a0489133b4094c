using System.Security.Cryptography;
using Trm.Data.Chat;
using Trm.Data.Download;
using Trm.Data.Tests.Support;

namespace Trm.Data.Tests.Download;

public class DatasetDownloaderTests
{
    private static readonly DownloadOptions Fast = new() { InitialBackoff = TimeSpan.FromMilliseconds(5), MaxBackoff = TimeSpan.FromMilliseconds(20), MaxRetries = 4 };

    private static byte[] Payload(int size)
    {
        var bytes = new byte[size];
        new Random(7).NextBytes(bytes);
        return bytes;
    }

    private static KnownDataset Dataset(Uri url, byte[]? content = null, bool withHash = true) =>
        new("fixture", "test", url, "fixture.bin", ChatFormat.Alpaca, "MIT")
        {
            Size = content?.Length,
            Sha256 = withHash && content is not null ? Convert.ToHexStringLower(SHA256.HashData(content)) : null,
        };

    [Test]
    public async Task DroppedConnectionResumesWithRangeAndIsByteIdentical()
    {
        using var server = new LocalHttpServer();
        using var dir = new ScratchDirectory();
        var content = Payload(300_000);
        var url = server.Add("data.bin", new LocalHttpServer.Route { Content = content, DropAfterBytes = 100_000, DropTimes = 2 });
        var reports = new List<DownloadProgress>();
        var progress = new SynchronousProgress<DownloadProgress>(reports.Add);

        var result = await new DatasetDownloader(options: Fast).DownloadAsync(Dataset(url, content), dir.Path, progress);

        Assert.That(File.ReadAllBytes(result.Path), Is.EqualTo(content));
        Assert.That(result.Attempts, Is.EqualTo(3));
        Assert.That(result.Resumed, Is.True);
        Assert.That(server.Requests.Select(r => r.Range), Is.EqualTo(new[] { null, "bytes=100000-", "bytes=200000-" }));
        Assert.That(File.Exists(result.Path + ".part"), Is.False);
        Assert.That(reports[^1].BytesDone, Is.EqualTo(300_000));
        Assert.That(reports[^1].TotalBytes, Is.EqualTo(300_000));
    }

    [Test]
    public async Task ServerThatIgnoresRangeRestartsFromZero()
    {
        using var server = new LocalHttpServer();
        using var dir = new ScratchDirectory();
        var content = Payload(200_000);
        var url = server.Add("data.bin", new LocalHttpServer.Route { Content = content, DropAfterBytes = 50_000, DropTimes = 1, IgnoreRange = true });

        var result = await new DatasetDownloader(options: Fast).DownloadAsync(Dataset(url, content), dir.Path);

        Assert.That(File.ReadAllBytes(result.Path), Is.EqualTo(content));
        Assert.That(result.Resumed, Is.False);
        Assert.That(server.Requests.Select(r => r.Range), Is.EqualTo(new[] { null, "bytes=50000-" }));
    }

    [Test]
    public async Task Http500IsRetriedThenSucceeds()
    {
        using var server = new LocalHttpServer();
        using var dir = new ScratchDirectory();
        var content = Payload(1000);
        var url = server.Add("data.bin", new LocalHttpServer.Route { Content = content, ErrorTimes = 2 });

        var result = await new DatasetDownloader(options: Fast).DownloadAsync(Dataset(url, content), dir.Path);

        Assert.That(result.Attempts, Is.EqualTo(3));
        Assert.That(File.ReadAllBytes(result.Path), Is.EqualTo(content));
    }

    [Test]
    public void PersistentHttp500GivesUpAfterTheRetries()
    {
        using var server = new LocalHttpServer();
        using var dir = new ScratchDirectory();
        var url = server.Add("data.bin", new LocalHttpServer.Route { Status = 500 });

        var error = Assert.ThrowsAsync<TrmDataException>(() => new DatasetDownloader(options: Fast).DownloadAsync(Dataset(url), dir.Path));

        Assert.That(error!.Message, Does.Contain("failed after 5 attempts: HTTP 500 Internal Server Error"));
        Assert.That(server.Requests, Has.Count.EqualTo(5));
        Assert.That(File.Exists(Path.Combine(dir.Path, "fixture.bin")), Is.False);
    }

    [Test]
    public void Http404FailsAtOnce()
    {
        using var server = new LocalHttpServer();
        using var dir = new ScratchDirectory();

        var error = Assert.ThrowsAsync<TrmDataException>(() => new DatasetDownloader(options: Fast).DownloadAsync(Dataset(new Uri(server.BaseUri, "missing.json")), dir.Path));

        Assert.That(error!.Message, Is.EqualTo($"HTTP 404 Not Found from {server.BaseUri}missing.json"));
        Assert.That(server.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public void HashMismatchDeletesThePartialFileAndThrows()
    {
        using var server = new LocalHttpServer();
        using var dir = new ScratchDirectory();
        var content = Payload(5000);
        var url = server.Add("data.bin", new LocalHttpServer.Route { Content = content });
        var dataset = Dataset(url, content) with { Sha256 = new string('0', 64) };

        var error = Assert.ThrowsAsync<TrmDataException>(() => new DatasetDownloader(options: Fast).DownloadAsync(dataset, dir.Path));

        Assert.That(error!.Reason, Does.StartWith($"SHA-256 mismatch: expected {new string('0', 64)}, got "));
        Assert.That(Directory.GetFiles(dir.Path), Is.Empty);
    }

    [Test]
    public async Task UnknownHashIsRecordedInASidecarAndCheckedOnReRun()
    {
        using var server = new LocalHttpServer();
        using var dir = new ScratchDirectory();
        var content = Payload(4096);
        var url = server.Add("data.bin", new LocalHttpServer.Route { Content = content });
        var dataset = Dataset(url, content, withHash: false);
        var downloader = new DatasetDownloader(options: Fast);

        var first = await downloader.DownloadAsync(dataset, dir.Path);
        var sidecar = File.ReadAllText(first.Path + ".sha256");
        Assert.That(sidecar, Is.EqualTo($"{Convert.ToHexStringLower(SHA256.HashData(content))}  fixture.bin\n"));

        var second = await downloader.DownloadAsync(dataset, dir.Path);
        Assert.That(second.AlreadyPresent, Is.True);
        Assert.That(server.Requests, Has.Count.EqualTo(1));

        File.WriteAllBytes(first.Path, content.Select(b => (byte)~b).ToArray()); // corrupt, same size
        var third = await downloader.DownloadAsync(dataset, dir.Path);
        Assert.That(third.AlreadyPresent, Is.False);
        Assert.That(File.ReadAllBytes(third.Path), Is.EqualTo(content));
        Assert.That(server.Requests, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task LeftoverPartialFileFromAnEarlierRunIsResumed()
    {
        using var server = new LocalHttpServer();
        using var dir = new ScratchDirectory();
        var content = Payload(10_000);
        var url = server.Add("data.bin", new LocalHttpServer.Route { Content = content });
        File.WriteAllBytes(Path.Combine(dir.Path, "fixture.bin.part"), content.AsSpan(0, 6000).ToArray());

        var result = await new DatasetDownloader(options: Fast).DownloadAsync(Dataset(url, content), dir.Path);

        Assert.That(File.ReadAllBytes(result.Path), Is.EqualTo(content));
        Assert.That(server.Requests.Single().Range, Is.EqualTo("bytes=6000-"));
    }

    [Test]
    public void CancellationStopsTheDownload()
    {
        using var server = new LocalHttpServer();
        using var dir = new ScratchDirectory();
        var url = server.Add("data.bin", new LocalHttpServer.Route { Status = 500 });
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.CatchAsync<OperationCanceledException>(() => new DatasetDownloader(options: Fast).DownloadAsync(Dataset(url), dir.Path, cancellationToken: cts.Token));
    }

    [Test]
    public void RegistryListsTheThreePublicSets()
    {
        Assert.That(DatasetRegistry.All.Select(d => d.Name), Is.EqualTo(new[] { "alpaca", "dolly", "oasst1" }));
        Assert.That(DatasetRegistry.Find("DOLLY").Size, Is.EqualTo(13_085_339));
        Assert.That(DatasetRegistry.All.All(d => d.Url.Scheme == "https"), Is.True);
        var error = Assert.Throws<TrmDataException>(() => DatasetRegistry.Find("nope"));
        Assert.That(error!.Message, Is.EqualTo("unknown dataset 'nope'; known: alpaca, dolly, oasst1"));
    }

    /// <summary>Progress that runs the callback on the reporting thread (Progress&lt;T&gt; posts asynchronously).</summary>
    private sealed class SynchronousProgress<T>(Action<T> action) : IProgress<T>
    {
        public void Report(T value) => action(value);
    }
}

using Trm.Data.Download;

namespace Trm.Data.Tests.Download;

public class DatasetRegistryTests
{
    [Test]
    public void EveryDatasetWithAPinnedHashIsDownloadedFromThatRevision()
    {
        Assert.That(DatasetRegistry.Dolly.Url.ToString(), Is.EqualTo(
            "https://huggingface.co/datasets/databricks/databricks-dolly-15k/resolve/bdd27f4d94b9c1f951818a7da7fd7aeea5dbff1a/databricks-dolly-15k.jsonl"));
        foreach (var dataset in DatasetRegistry.All.Where(d => d.Sha256 is not null))
            Assert.That(dataset.Url.AbsolutePath, Does.Match("/(resolve|raw)/[0-9a-f]{40}/"), $"{dataset.Name}: a hash needs a pinned revision, or the day upstream changes every download fails");
    }
}

using Trm.Data.Npy;
using Trm.Data.Puzzles;

namespace Trm.Data.Tests.Puzzles;

public class PuzzleSplitTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = PuzzleTestData.NewTempDirectory();
        foreach (var file in Directory.GetFiles(PuzzleTestData.Path("puzzles", "numpy-small", "train")))
            File.Copy(file, Path.Combine(_dir, Path.GetFileName(file)));
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    [Test]
    public void NumPyWrittenSplit_OpensWithItsHierarchy()
    {
        using var split = PuzzleSplit.Open(PuzzleTestData.Path("puzzles", "numpy-small", "train"));
        var m = split.Metadata;
        Assert.Multiple(() =>
        {
            Assert.That(m.VocabSize, Is.EqualTo(6));
            Assert.That(m.SeqLen, Is.EqualTo(4));
            Assert.That(m.IgnoreLabelId, Is.EqualTo(0));
            Assert.That(m.TotalGroups, Is.EqualTo(3));
            Assert.That(m.TotalPuzzles, Is.EqualTo(4));
            Assert.That(m.MeanPuzzleExamples, Is.EqualTo(7 / 4.0));
        });
        var set = split.Sets.Single();
        Assert.That(set.Inputs.IsMemoryMapped, Is.True);
        Assert.That(set.Inputs.DType, Is.EqualTo(NpyDType.UInt8));
        Assert.That(set.PuzzleIndices, Is.EqualTo(new[] { 0, 2, 3, 6, 7 }));
        Assert.That(set.GroupIndices, Is.EqualTo(new[] { 0, 2, 3, 4 }));
        Assert.That(set.PuzzleIdentifiers, Is.EqualTo(new[] { 1, 2, 1, 2 }));
        var input = new int[4];
        var label = new int[4];
        set.ReadExample(6, input, label);
        Assert.That(input, Is.EqualTo(new[] { 2, 2, 2, 2 }));
        Assert.That(label, Is.EqualTo(new[] { 0, 2, 3, 2 }));
        Assert.That(PuzzleIdentifiers.Read(PuzzleTestData.Path("puzzles", "numpy-small")), Is.EqualTo(new[] { "<blank>", "a", "b" }));
    }

    [Test]
    public void WriteThenOpen_ReproducesTheFixtureBytes()
    {
        using var split = PuzzleSplit.Open(_dir, memoryMap: false);
        var output = Path.Combine(_dir, "copy");
        PuzzleSplit.Write(output, split.Metadata, split.Sets);
        foreach (var name in new[] { "inputs", "labels", "puzzle_identifiers", "puzzle_indices", "group_indices" })
        {
            var file = PuzzleSet.FileName("all", name);
            Assert.That(File.ReadAllBytes(Path.Combine(output, file)), Is.EqualTo(File.ReadAllBytes(Path.Combine(_dir, file))), name);
        }
        var json = File.ReadAllText(Path.Combine(output, "dataset.json"));
        Assert.That(json, Is.EqualTo("{\"pad_id\":0,\"ignore_label_id\":0,\"blank_identifier_id\":0,\"vocab_size\":6,\"seq_len\":4,\"num_puzzle_identifiers\":3,\"total_groups\":3,\"mean_puzzle_examples\":1.75,\"total_puzzles\":4,\"sets\":[\"all\"]}"));
    }

    private TrmDataException OpenFails() => Assert.Throws<TrmDataException>(() => PuzzleSplit.Open(_dir).Dispose())!;

    [Test]
    public void NonMonotonePuzzleIndices_NameFileAndField()
    {
        NpyFile.Write<int>(Path.Combine(_dir, "all__puzzle_indices.npy"), [0, 3, 2, 6, 7]);
        var e = OpenFails();
        Assert.That(e.Field, Is.EqualTo("puzzle_indices"));
        Assert.That(e.File, Does.EndWith("all__puzzle_indices.npy"));
        Assert.That(e.Message, Does.Contain("increase"));
    }

    [Test]
    public void GroupIndicesNotEndingAtPuzzleCount_Fail()
    {
        NpyFile.Write<int>(Path.Combine(_dir, "all__group_indices.npy"), [0, 2, 3]);
        var e = OpenFails();
        Assert.That(e.Field, Is.EqualTo("group_indices"));
        Assert.That(e.Message, Does.Contain("4 puzzles"));
    }

    [Test]
    public void IdentifierOutOfRange_Fails()
    {
        NpyFile.Write<int>(Path.Combine(_dir, "all__puzzle_identifiers.npy"), [1, 2, 3, 1]);
        var e = OpenFails();
        Assert.That(e.Field, Is.EqualTo("puzzle_identifiers"));
        Assert.That(e.Message, Does.Contain("num_puzzle_identifiers=3"));
    }

    [Test]
    public void TokenOutsideVocabulary_Fails()
    {
        var inputs = new byte[7 * 4];
        inputs[9] = 6;
        NpyFile.Write<byte>(Path.Combine(_dir, "all__inputs.npy"), inputs, 7, 4);
        var e = OpenFails();
        Assert.That(e.Field, Is.EqualTo("inputs"));
        Assert.That(e.Message, Does.Contain("vocab_size=6"));
    }

    [Test]
    public void WrongSeqLen_Fails()
    {
        NpyFile.Write<byte>(Path.Combine(_dir, "all__labels.npy"), new byte[7 * 5], 7, 5);
        var e = OpenFails();
        Assert.That(e.Field, Is.EqualTo("labels"));
        Assert.That(e.Message, Does.Contain("seq_len 4"));
    }

    [Test]
    public void MissingMetadataField_NamesIt()
    {
        File.WriteAllText(Path.Combine(_dir, "dataset.json"), "{\"pad_id\":0,\"ignore_label_id\":null,\"blank_identifier_id\":0,\"seq_len\":4,\"num_puzzle_identifiers\":3,\"total_groups\":3,\"mean_puzzle_examples\":1.0,\"total_puzzles\":4,\"sets\":[\"all\"]}");
        var e = OpenFails();
        Assert.That(e.Field, Is.EqualTo("vocab_size"));
        Assert.That(e.File, Does.EndWith("dataset.json"));
    }

    [Test]
    public void MissingSetFile_NamesIt()
    {
        File.Delete(Path.Combine(_dir, "all__labels.npy"));
        var e = OpenFails();
        Assert.That(e.Field, Is.EqualTo("labels"));
        Assert.That(e.Message, Does.Contain("missing"));
    }

    [Test]
    public void MissingTotalPuzzles_IsCountedFromIndices()
    {
        File.WriteAllText(Path.Combine(_dir, "dataset.json"), "{\"pad_id\":0,\"ignore_label_id\":null,\"blank_identifier_id\":0,\"vocab_size\":6,\"seq_len\":4,\"num_puzzle_identifiers\":3,\"total_groups\":3,\"mean_puzzle_examples\":1.0,\"sets\":[\"all\"]}");
        using var split = PuzzleSplit.Open(_dir);
        Assert.That(split.Metadata.TotalPuzzles, Is.EqualTo(4));
        Assert.That(split.Metadata.IgnoreLabelId, Is.Null);
    }
}

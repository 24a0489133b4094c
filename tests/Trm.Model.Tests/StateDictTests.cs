using Trm.Torch.Serialization;

namespace Trm.Model.Tests;

[TestFixture]
public sealed class StateDictTests
{
    [TestCaseSource(typeof(ReferenceData), nameof(ReferenceData.Variants))]
    public void KeysAndShapesEqualTheReference(string variant)
    {
        using var scope = NewDisposeScope();
        using var data = ReferenceData.Open(variant);
        using var head = new ActLossHead(new TrmModel(data.Config));
        var ours = head.StateDict();
        Assert.That(ours.Keys, Is.EquivalentTo(GoldenSummary.Keys(variant)));
        var reference = data.State();
        foreach (var (key, tensor) in ours)
        {
            Assert.That(tensor.Shape, Is.EqualTo(reference[key].Shape), key);
            Assert.That(tensor.DType, Is.EqualTo(reference[key].DType), key);
        }
    }

    [Test]
    public void CompiledPrefixedReferenceStateLoads()
    {
        using var scope = NewDisposeScope();
        using var data = ReferenceData.Open("attn_rope");
        var compiled = data.State().ToDictionary(kv => "_orig_mod." + kv.Key, kv => kv.Value);
        using var model = new TrmModel(data.Config);
        TrmStateDict.Load(model, compiled);
        var loaded = model.StateDict();
        foreach (var (key, tensor) in data.State())
        {
            Assert.That(loaded["inner." + key["model.inner.".Length..]].ToArray<float>(), Is.EqualTo(tensor.ToArray<float>()), key);
        }
    }

    [Test]
    public void TorchSaveCheckpointOfACompiledReferenceLoadsAndReproducesItsLogits()
    {
        using var scope = NewDisposeScope();
        using var data = ReferenceData.Open("attn_rope");
        using var model = new TrmModel(data.Config);
        TrmStateDict.LoadFile(model, ReferenceData.PathOf("trm_attn_rope_state_compiled.pt"));
        model.Eval();
        using var batch = data.Batch();
        using var carry = model.InitialCarry(batch);
        using var noGrad = NoGrad();
        var (next, outputs) = model.Forward(carry, batch);
        Closeness.AssertClose(outputs.Logits, data["eval.step0.logits"], 1e-5, "torch.save import, step 0 logits");
        next.Dispose();
    }

    [Test]
    public void MissingOrMisshapenKeysAreReportedByName()
    {
        using var scope = NewDisposeScope();
        using var data = ReferenceData.Open("attn_rope");
        using var model = new TrmModel(data.Config);
        var state = data.State();
        state.Remove("model.inner.lm_head.weight");
        var ex = Assert.Catch(() => TrmStateDict.Load(model, state));
        Assert.That(ex!.Message, Does.Contain("lm_head.weight"));
    }

    [Test]
    public void ExportedSafetensorsUseReferenceNamesAndRoundTrip()
    {
        using var scope = NewDisposeScope();
        using var data = ReferenceData.Open("mlp_t_none");
        using var model = new TrmModel(data.Config);
        TrmStateDict.Load(model, data.State());
        var path = Path.Combine(Path.GetTempPath(), $"trm-export-{Guid.NewGuid():N}.safetensors");
        try
        {
            TrmStateDict.SaveReference(model, path, new Dictionary<string, string> { ["config"] = data.Tensors.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            using (var file = SafeTensors.Load(path))
            {
                Assert.That(file.Tensors.Keys, Is.EquivalentTo(GoldenSummary.Keys("mlp_t_none")));
            }

            using var copy = new TrmModel(data.Config);
            TrmStateDict.LoadFile(copy, path);
            var expected = model.StateDict();
            foreach (var (key, tensor) in copy.StateDict())
            {
                Assert.That(tensor.ToArray<float>(), Is.EqualTo(expected[key].ToArray<float>()), key);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}

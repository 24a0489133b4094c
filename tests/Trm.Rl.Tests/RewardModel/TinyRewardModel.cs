using Trm.Model;
using Trm.Rl.RewardModel;
using Trm.Tokenization;
using Trm.Tokenization.Chat;
using Trm.Torch;

namespace Trm.Rl.Tests.RewardModel;

/// <summary>A tiny reward model over a character tokenizer, for fast tests.</summary>
internal static class TinyRewardModel
{
    public const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,!?0123456789'";

    public static CharTokenizer Tokenizer() => CharTokenizer.Build(Alphabet);

    public static TrmConfig Config(int vocab, int seqLen = 96) => TrmConfig.Chat with
    {
        VocabSize = vocab,
        SeqLen = seqLen,
        HiddenSize = 32,
        NumHeads = 2,
        Expansion = 2,
        LLayers = 2,
        ForwardDType = DType.Float32,
    };

    public static TrmRewardModel Create(RewardModelOptions? options = null, int seed = 7, int seqLen = 96)
    {
        var tokenizer = Tokenizer();
        var vocab = ChatTemplate.Create(tokenizer).Tokenizer.VocabSize;
        var trunk = new TrmModel(Config(vocab, seqLen), new Generator(seed));
        return new TrmRewardModel(trunk, tokenizer, options ?? new RewardModelOptions { MaxLength = seqLen, MinPrefixLength = 16 }, new Generator(seed + 1));
    }
}

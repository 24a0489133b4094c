using Trm.Model;
using Trm.Rl.Rewards;
using Trm.Rl.Tasks;
using Trm.Tokenization;
using Trm.Torch;

namespace Trm.Rl.Tests.Support;

/// <summary>A tiny random causal TRM over a character vocabulary, and a toy task whose reward it can learn quickly.</summary>
internal static class ToyPolicy
{
    public const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 +?'#.,";

    public static CharTokenizer Tokenizer() => CharTokenizer.Build(Alphabet);

    public static TrmModel Model(Tokenizer tokenizer, int seed = 7) => new(TrmConfig.Chat with
    {
        VocabSize = tokenizer.VocabSize + 16, // room for the chat template's tokens
        SeqLen = 32,
        HiddenSize = 32,
        NumHeads = 2,
        Expansion = 2,
        LLayers = 1,
        HCycles = 1,
        LCycles = 1,
        HaltMaxSteps = 1,
        HaltExplorationProb = 0,
        ForwardDType = DType.Float32,
    }, new Generator(seed));

    /// <summary>"Say x": the reward is the fraction of the reply's characters that are 'x'; correct when all are.</summary>
    public sealed class SayXTask(int count = 8) : IRlTask
    {
        public string Name => "sayx";

        public int Count => count;

        public IRewardFunction Reward { get; } = new DelegateReward("x_fraction", i => i.Response.Length == 0 ? 0 : i.Response.Count(c => c == 'x') / (double)i.Response.Length);

        public RlProblem Problem(int index) => new(Name, $"sayx:{index}", $"say x {index}", null);

        public bool IsCorrect(RlProblem problem, string response) => response.Length > 0 && response.All(c => c == 'x');
    }
}

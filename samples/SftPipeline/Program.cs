// Chat pipeline, offline on CPU: build a chat dataset from a shipped file -> pretrain a small causal TRM on it -> SFT with
// the r1_ot_mixed recipe over a synthetic, verifiable task (word reversal, half the examples thinking step by step in a
// <think> block) plus the pretraining chat -> generate. Held-out exact-match accuracy is measured before and after SFT.
// Usage (from the repository root): dotnet run --project samples/SftPipeline -c Release [-- <pretrain epochs> <sft epochs> <problems>]
using Microsoft.Extensions.Logging;
using Trm.Data.Chat;
using Trm.Data.Sft;
using Trm.Data.Sft.Tasks;
using Trm.Inference.Chat;
using Trm.Inference.Generation;
using Trm.Model;
using Trm.Model.Checkpoints;
using Trm.Tokenization;
using Trm.Tokenization.Chat;
using Trm.Torch;
using Trm.Training;
using Trm.Training.Configuration;

var pretrainEpochs = args.Length > 0 ? int.Parse(args[0]) : 4;
var sftEpochs = args.Length > 1 ? int.Parse(args[1]) : 10;
var problems = args.Length > 2 ? int.Parse(args[2]) : 2000;
const int HeldOut = 100, MaxLength = 96, Seed = 1;
using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
var work = Path.Combine("data", "sft-pipeline");
var run = $"{DateTime.UtcNow:yyyyMMdd-HHmmss}";

// 1. A chat dataset from a file shipped in the repository (the Alpaca seed tasks, Apache-2.0, see its LICENSE), with a
//    character vocabulary over that text and the synthetic task's characters.
var seedTasks = Path.Combine("tests", "Trm.Data.Tests", "Data", "alpaca-seed", "seed_tasks.jsonl");
var task = new ReversalTask(minLength: 3, maxLength: 5);
var vocab = Path.Combine(work, "vocab.json");
Directory.CreateDirectory(work);
CharTokenizer.Build([File.ReadAllText(seedTasks), "abcdefghijklmnopqrstuvwxyz'.#: \n", .. task.Problems(Seed, 50).Select(p => p.Prompt + p.Reasoning)], UnknownCharPolicy.MapToUnknown).Save(vocab);
var chat = new ChatDatasetBuilder().FromFile(seedTasks).WithTokenizer("char:" + vocab).WithMaxLength(MaxLength).WithTrainSplit(0.95).Build(Path.Combine(work, "chat"));
Console.WriteLine($"1. chat dataset: {chat.Info.Counts.TrainExamples} train / {chat.Info.Counts.ValExamples} val conversations, vocabulary {chat.Info.VocabSize}");

// 2. Pretrain a small causal TRM (the chat preset, shrunk) on the chat dataset.
var arch = TrmConfig.Chat with { HiddenSize = 128, NumHeads = 4, Expansion = 2, LLayers = 2 };
var pretrain = TrainConfig.Chat with
{
    DataPaths = [chat.Directory],
    Arch = arch,
    Device = "cpu",
    RunName = $"sft-pipeline-base-{run}",
    GlobalBatchSize = 16,
    GradientAccumulationSteps = 1,
    Epochs = pretrainEpochs,
    EvalInterval = pretrainEpochs,
    Lr = 2e-3,
    LrWarmupSteps = 20,
    WeightDecay = 0.0,
    Ema = false,
    EvalSamples = 2,
};
TrainingResult based;
using (var trainer = Trainer.CreateBuilder().WithConfig(pretrain).WithLogger(logging.CreateLogger("pretrain"), interval: 20).Build())
    based = trainer.Run();
Console.WriteLine($"2. pretrained {based.Steps} steps in {based.Elapsed:mm\\:ss}: val loss {based.LastEvaluation!.LmLoss:F3}, token accuracy {based.LastEvaluation.Accuracy:P1}");

// The held-out problems: never in the SFT mixture.
var train = task.Problems(Seed, problems).ToList();
var heldOut = task.HeldOut(Seed, HeldOut, train);
var tokenizer = CharTokenizer.Load(vocab);
double Measure(TrmModel model, string label)
{
    using var generator = TextGenerator.CreateBuilder().WithModel(model).WithTokenizer(tokenizer).BuildChat();
    var replies = generator.Complete([.. heldOut.Select(p => (IReadOnlyList<ChatMessage>)[ChatMessage.User(p.Prompt)])], GenerationOptions.Greedy with { MaxNewTokens = 48 });
    var accuracy = AnswerVerifier.Accuracy([.. replies.Select(r => r.Content)], [.. heldOut.Select(p => p.Answer)]);
    Console.WriteLine($"   {label}: held-out exact match {accuracy:P1} ({HeldOut} problems); e.g. '{heldOut[0].Prompt}' -> {(replies[0].Reasoning is { } thought ? "<think>" + thought.ReplaceLineEndings(" | ") + "</think> " : "")}{replies[0].Content}");
    return accuracy;
}

using var model = TrmCheckpoint.Open(based.LastCheckpoint!).LoadModel();
var before = Measure(model, "3. before SFT");

// 4. SFT: r1_ot_mixed = the reasoning source with <think> blocks (half the problems think, half answer directly) + the
//    pretraining chat at the 0.30 chat ratio, shuffled with a fixed seed; fine-tune the pretrained weights.
var mixture = SftRecipes.Create(SftRecipe.R1OtMixed, new SftRecipeInputs
{
    Reasoning = [SftSource.FromConversations("reversal", task.Conversations(Seed, problems, thinkFraction: 0.5))],
    Chat = [SftSource.FromChatDataset(chat.Directory)],
    Stop = problems,
    ChatRatio = 0.30,
}).WithTokenizer("char:" + vocab).WithMaxLength(MaxLength).WithTrainSplit(0.98).Build(Path.Combine(work, "sft"));
Console.WriteLine($"4. SFT mixture: {mixture.Manifest}");
var sft = pretrain with
{
    DataPaths = [mixture.Directory],
    RunName = $"sft-pipeline-sft-{run}",
    Epochs = sftEpochs,
    EvalInterval = sftEpochs,
    LrWarmupSteps = 20,
    LrMinRatio = 0.1,
};
TrainingResult tuned;
using (var trainer = Trainer.CreateBuilder().WithConfig(sft).WithModel(model).WithLogger(logging.CreateLogger("sft"), interval: 50).Build())
    tuned = trainer.Run();
Console.WriteLine($"   fine-tuned {tuned.Steps} steps in {tuned.Elapsed:mm\\:ss}: val loss {tuned.LastEvaluation!.LmLoss:F3}, token accuracy {tuned.LastEvaluation.Accuracy:P1}");
var after = Measure(model, "5. after SFT");
Console.WriteLine($"Held-out exact-match accuracy: {before:P1} before SFT, {after:P1} after SFT. Checkpoints: {based.LastCheckpoint}, {tuned.LastCheckpoint}");

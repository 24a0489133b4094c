// GRPO on a synthetic verifiable task, offline on a CPU: an SFT warm start on word reversal ("Reverse the word 'cab'."
// → "#### bac"), then GRPO with the exact-answer reward. Prints held-out pass@1 (greedy, and sampled at T = 1) before and after GRPO,
// and draws the run (grpo.png) from its metrics.jsonl.
//   dotnet run -c Release --project samples/GrpoPipeline [-- sftSteps grpoSteps outputFolder grpoLearningRate]
using System.Diagnostics;
using Trm.Data.Sft;
using Trm.Data.Sft.Tasks;
using Trm.Rl.Grpo;
using Trm.Rl.Policies;
using Trm.Rl.Tasks;
using Trm.Samples;
using Trm.Tokenization;
using Trm.Tokenization.Chat;
using Trm.Training.Metrics;
using Trm.Visualization;

int sftSteps = args.Length > 0 ? int.Parse(args[0]) : 200;
int grpoSteps = args.Length > 1 ? int.Parse(args[1]) : 40;
string output = args.Length > 2 ? args[2] : Path.Combine(Path.GetTempPath(), "trm-grpo-pipeline");
double grpoLr = args.Length > 3 ? double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 1e-4;

// 1. The task: train problems from seed 1, held-out problems that are not among them.
var task = new ReversalTask(minLength: 3, maxLength: 5);
var train = task.Problems(seed: 1, count: 4000).ToArray();
var heldOut = SyntheticRlTask.FromProblems(task, task.HeldOut(seed: 2, count: 200, exclude: train), seed: 2);
var tokenizer = CharTokenizer.Build(train.Select(p => p.Prompt + SyntheticTask.Reply(p)));
var template = ChatTemplate.Create(tokenizer);

// 2. SFT warm start on direct answers with the product's trainer (a chat dataset of the conversations, assistant-only loss).
var clock = Stopwatch.StartNew();
Directory.CreateDirectory(output);
var vocab = Path.Combine(output, "vocab.json");
tokenizer.Save(vocab);
using var model = TinyChatSft.CreateModel(template, seqLen: 48, seed: 1);
var sftData = new SftMixtureBuilder().Add(SftSource.FromConversations("reversal", task.Conversations(seed: 1, count: train.Length, thinkFraction: 0)));
var sftSet = TinyChatSft.BuildData(model, sftData, "char:" + vocab, Path.Combine(output, "sft-data"));
var sft = TinyChatSft.Train(model, sftSet, Path.Combine(output, "sft"), sftSteps, batchSize: 32, lr: 1e-3, seed: 1, log: (step, l) => Console.WriteLine($"  sft step {step}: loss {l:F3}"));
var loss = sft.LastTrainMetrics?["lm_loss"] ?? double.NaN;
double before = PassAtOne.Measure(model, tokenizer, heldOut, maxNewTokens: 12);
double beforeSampled = PassAtOne.Measure(model, tokenizer, heldOut, maxNewTokens: 12, temperature: 1.0, seed: 5);
Console.WriteLine($"SFT: {sftSteps} steps, loss {loss:F3}, {clock.Elapsed.TotalSeconds:F0} s; held-out pass@1 greedy {before:P1}, sampled at T = 1 {beforeSampled:P1}");

// 3. GRPO (the single-task baseline, smaller): 16 prompts × 8 samples a step at temperature 1, top-k 50, exact-answer reward, advantages r − mean.
clock.Restart();
var options = GrpoOptions.SingleTaskBaseline with
{
    Steps = grpoSteps,
    GroupSize = 8,
    PromptsPerStep = 16,
    MaxNewTokens = 12,
    LearningRate = grpoLr,
    EvalEvery = 10,
    Seed = 1,
};
using var grpo = GrpoTrainer.CreateBuilder().WithModel(model, tokenizer).WithTask(new SyntheticRlTask(task, seed: 1, count: train.Length))
    .WithEvalTask(heldOut).WithOptions(options).WithOutputDirectory(output).Build();
var result = grpo.Train(new Progress(s => { if (s.Step % 5 == 0) Console.WriteLine($"  step {s.Step}: reward {s.RewardMean:F3}, pass@1 (sampled) {s.Pass1:P0}, entropy {s.Entropy:F3}"); }));
double after = result.Evaluations[^1].Pass1;
double afterSampled = PassAtOne.Measure(model, tokenizer, heldOut, maxNewTokens: 12, temperature: 1.0, seed: 5);
Console.WriteLine($"GRPO: {grpoSteps} steps, {clock.Elapsed.TotalSeconds:F0} s; metrics in {Path.Combine(output, "metrics.jsonl")}");
Console.WriteLine($"held-out pass@1 ({heldOut.Count} problems), greedy: before GRPO {before:P1}, after GRPO {after:P1}");
Console.WriteLine($"held-out pass@1 ({heldOut.Count} problems), sampled at T = 1: before GRPO {beforeSampled:P1}, after GRPO {afterSampled:P1}");

// 4. A picture of the run with the trainer's plot: the accuracy panel shows pass@1 (train: the sampled replies'; eval: greedy on
//    the held-out problems), the loss panel the GRPO loss.
var records = MetricsJsonlWriter.Read(Path.Combine(output, "metrics.jsonl"))
    .Select(r => new MetricsRecord(r.Step, r.Split, new Dictionary<string, double> { ["accuracy"] = r["pass1"], ["lm_loss"] = r["loss"], ["lr"] = r["lr"] }))
    .ToArray();
MetricsPlot.Save(records, Path.Combine(output, "grpo.png"), width: 1000, height: 700);
Console.WriteLine($"plot: {Path.Combine(output, "grpo.png")}");

/// <summary>Reports on the calling thread.</summary>
internal sealed class Progress(Action<GrpoStepMetrics> report) : IProgress<GrpoStepMetrics>
{
    public void Report(GrpoStepMetrics value) => report(value);
}

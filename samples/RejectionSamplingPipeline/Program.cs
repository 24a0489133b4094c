// Rejection sampling → JSONL → RS-SFT, offline on a CPU: an SFT warm start on word reversal, k samples per training
// problem kept when the verifier accepts them (resumable JSONL with provenance), the r1_rs_sft recipe reading that file,
// and more SFT on the mixture. Prints held-out pass@1 (greedy, and sampled at T = 1) before and after RS-SFT.
//   dotnet run -c Release --project samples/RejectionSamplingPipeline [-- sftSteps rsProblems rsSftSteps outputFolder]
using System.Diagnostics;
using Trm.Data.Sft;
using Trm.Data.Sft.Tasks;
using Trm.Rl.Policies;
using Trm.Rl.RejectionSampling;
using Trm.Rl.Tasks;
using Trm.Samples;
using Trm.Tokenization;
using Trm.Tokenization.Chat;

int sftSteps = args.Length > 0 ? int.Parse(args[0]) : 200;
int rsProblems = args.Length > 1 ? int.Parse(args[1]) : 400;
int rsSftSteps = args.Length > 2 ? int.Parse(args[2]) : 150;
string output = args.Length > 3 ? args[3] : Path.Combine(Path.GetTempPath(), "trm-rs-pipeline");

// 1. The task and an SFT warm start on direct answers (the same as samples/GrpoPipeline).
var task = new ReversalTask(minLength: 3, maxLength: 5);
var train = task.Problems(seed: 1, count: 4000).ToArray();
var heldOut = SyntheticRlTask.FromProblems(task, task.HeldOut(seed: 2, count: 200, exclude: train), seed: 2);
// Plain chat for the recipe's chat share: another task's conversations (addition), so that RS-SFT gets no new reversal answers.
var chatData = new AdditionTask(minDigits: 1, maxDigits: 2).Conversations(seed: 3, count: 2000, thinkFraction: 0).ToArray();
var tokenizer = CharTokenizer.Build(train.Select(p => p.Prompt + SyntheticTask.Reply(p)).Concat(chatData.SelectMany(c => c.Turns.Select(t => t.Text))));
var template = ChatTemplate.Create(tokenizer);
var clock = Stopwatch.StartNew();
Directory.CreateDirectory(output);
var vocab = Path.Combine(output, "vocab.json");
tokenizer.Save(vocab);
using var model = TinyChatSft.CreateModel(template, seqLen: 48, seed: 1);
var sftData = new SftMixtureBuilder().Add(SftSource.FromConversations("reversal", task.Conversations(seed: 1, count: train.Length, thinkFraction: 0)));
TinyChatSft.Train(model, TinyChatSft.BuildData(model, sftData, "char:" + vocab, Path.Combine(output, "sft-data")), Path.Combine(output, "sft"), sftSteps, batchSize: 32, lr: 1e-3, seed: 1);
double before = PassAtOne.Measure(model, tokenizer, heldOut, maxNewTokens: 12);
double beforeSampled = PassAtOne.Measure(model, tokenizer, heldOut, maxNewTokens: 12, temperature: 1.0, seed: 5);
Console.WriteLine($"SFT: {sftSteps} steps, {clock.Elapsed.TotalSeconds:F0} s; held-out pass@1 greedy {before:P1}, sampled at T = 1 {beforeSampled:P1}");

// 2. Rejection sampling on training problems: 8 samples each at temperature 1, the verifier keeps correct ones (≤ 2 distinct).
clock.Restart();
var rsPath = Path.Combine(output, "rs.jsonl");
foreach (var stale in new[] { rsPath, ProgressLogPath(rsPath) }) File.Delete(stale);
var rsOptions = new RejectionSamplingOptions { SamplesPerPrompt = 8, Temperature = 1.0, TopK = 0, MaxNewTokens = 12, MaxPerPrompt = 2, Seed = 7, Checkpoint = "sample-sft" };
using (var sampler = new RejectionSampler(model, tokenizer, rsOptions))
{
    var report = sampler.Run([new SyntheticRlTask(task, seed: 1, count: train.Length)], rsPath, maxProblemsPerTask: rsProblems);
    Console.WriteLine($"RS: {report.Problems} problems, {report.Samples} samples, {report.AcceptRate:P1} accepted, {report.Written} records → {rsPath} ({clock.Elapsed.TotalSeconds:F0} s)");
}

// 3. RS-SFT: the r1_rs_sft recipe reads the JSONL (plus 30 % plain chat) and we train on the mix.
clock.Restart();
var chatPath = Path.Combine(output, "chat.jsonl");
SftMixtureBuilder.WriteConversations(chatPath, chatData);
var mixture = SftRecipes.Create(SftRecipe.R1RsSft, new SftRecipeInputs { RejectionSampled = [SftSource.FromFile(rsPath)], Chat = [SftSource.FromFile(chatPath)] });
var rsSet = TinyChatSft.BuildData(model, mixture, "char:" + vocab, Path.Combine(output, "rs-sft-data"));
Console.WriteLine($"r1_rs_sft mixture: {rsSet.Manifest.Examples} examples ({rsSet.Manifest.ChatExamples} chat)");
TinyChatSft.Train(model, rsSet, Path.Combine(output, "rs-sft"), rsSftSteps, batchSize: 32, lr: 5e-4, seed: 2);
double after = PassAtOne.Measure(model, tokenizer, heldOut, maxNewTokens: 12);
double afterSampled = PassAtOne.Measure(model, tokenizer, heldOut, maxNewTokens: 12, temperature: 1.0, seed: 5);
Console.WriteLine($"RS-SFT: {rsSftSteps} steps, {clock.Elapsed.TotalSeconds:F0} s");
Console.WriteLine($"held-out pass@1 ({heldOut.Count} problems), greedy: before RS-SFT {before:P1}, after RS-SFT {after:P1}");
Console.WriteLine($"held-out pass@1 ({heldOut.Count} problems), sampled at T = 1: before RS-SFT {beforeSampled:P1}, after RS-SFT {afterSampled:P1}");

static string ProgressLogPath(string path) => path + ".progress";

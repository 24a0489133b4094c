using Trm.Model;
using Trm.Model.Checkpoints;
using Trm.Tokenization;
using Trm.Tokenization.Chat;
using Trm.Torch;
using Trm.Torch.Optim;
using Trm.Torch.Serialization;
using static Trm.Torch.Engine;

namespace Trm.Inference.Tests.Generation;

/// <summary>
/// A tiny causal chat TRM trained with a plain loop (AdamW + cross-entropy on the assistant tokens; the trainer's LM
/// path is not used) until it reproduces one conversation, saved as a checkpoint with its character vocabulary.
/// Shared with the CLI tests (linked source).
/// </summary>
internal static class TinyChatModel
{
    public const string User = "hi there";
    public const string Assistant = "hello, friend!";
    public const string SecondUser = "and you?";
    public const string SecondAssistant = "fine.";

    /// <summary>The conversation the model learns (two exchanges, so that history matters).</summary>
    public static IReadOnlyList<ChatMessage> Conversation { get; } =
        [ChatMessage.User(User), ChatMessage.Assistant(Assistant), ChatMessage.User(SecondUser), ChatMessage.Assistant(SecondAssistant)];

    /// <summary>A character tokenizer over the conversation's text (plus the chat tokens through the template).</summary>
    public static CharTokenizer BaseTokenizer() => CharTokenizer.Build(User + Assistant + SecondUser + SecondAssistant);

    public static TrmConfig Config(int vocab, bool recursive) => TrmConfig.Chat with
    {
        VocabSize = vocab,
        SeqLen = 64,
        HiddenSize = 32,
        NumHeads = 2,
        Expansion = 2,
        LLayers = 2,
        HCycles = recursive ? 2 : 1,
        LCycles = recursive ? 2 : 1,
        HaltMaxSteps = 1,
        ForwardDType = DType.Float32,
    };

    /// <summary>Trains the model until every assistant token is predicted (or <paramref name="maxSteps"/>); returns it in eval mode.</summary>
    public static TrmModel Train(ChatTemplate template, bool recursive = false, int maxSteps = 400)
    {
        var rendered = template.Render(Conversation);
        int n = rendered.Length - 1;
        var inputs = rendered.Ids[..n].Select(i => (long)i).ToArray();
        var labels = Enumerable.Range(1, n).Select(t => rendered.LossMask[t] == 1 ? (long)rendered.Ids[t] : -100L).ToArray();

        var model = new TrmModel(Config(template.Tokenizer.VocabSize, recursive), new Generator(1234));
        using var optimizer = new AdamW(model.Parameters(), lr: 3e-3, beta1: 0.9, beta2: 0.95, weightDecay: 0.0);
        using var x = Tensors.FromArray(inputs, 1, n);
        using var y = Tensors.FromArray(labels, n);
        for (int step = 0; step < maxSteps; step++)
        {
            using var scope = NewDisposeScope();
            var logits = model.LmForward(x).View(n, -1);
            var loss = F.CrossEntropy(logits, y);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            if (step % 20 == 19)
            {
                using var noGrad = NoGrad();
                var predicted = model.LmForward(x).ArgMax(-1).View(n);
                var right = predicted.Eq(y).LogicalOr(y.Eq(-100)).All().Item<bool>();
                if (right && loss.Item<float>() < 0.05) break;
            }
        }

        model.Eval();
        return model;
    }

    /// <summary>Trains a model and writes it as <c>step_1</c> under <paramref name="runFolder"/> with <c>vocab.json</c> beside the weights.</summary>
    /// <returns>The checkpoint folder.</returns>
    public static string WriteCheckpoint(string runFolder)
    {
        var tokenizer = BaseTokenizer();
        using var model = Train(ChatTemplate.Create(tokenizer));
        var folder = Path.Combine(runFolder, TrmCheckpoint.StepFolderName(1));
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "trm",
            [TrmCheckpoint.ConfigMetadataKey] = model.Config.ToReferenceJson(),
            ["tokenizer"] = "char:vocab.json",
        };
        TrmCheckpoint.Write(folder, 1, temp =>
        {
            SafeTensors.Save(Path.Combine(temp, TrmCheckpoint.ModelFile), model.StateDict(), metadata);
            tokenizer.Save(Path.Combine(temp, "vocab.json"));
        });
        return folder;
    }
}

using System.Globalization;
using Trm.Data.TokenStream;

namespace Trm.Benchmarks.ChatLearning;

/// <summary>
/// <c>chat-learn</c>: the learning comparison's driver (run by benchmarks/chat-trm/run.sh).
/// <list type="bullet">
/// <item><c>chat-learn prepare &lt;text&gt; &lt;folder&gt; char|gpt2</c>: the text as train.bin/val.bin (last 10 % for validation).</item>
/// <item><c>chat-learn run &lt;data-folder&gt; trm|plain &lt;steps&gt; &lt;eval-every&gt; &lt;out.csv&gt;</c>: one training run (<see cref="ChatLearningRun"/>).</item>
/// <item><c>chat-learn plot &lt;out.png&gt; &lt;title&gt; &lt;legend&gt; &lt;csv&gt; [&lt;legend&gt; &lt;csv&gt; …]</c>: the curves (<see cref="ChatLearningPlot"/>).</item>
/// </list>
/// </summary>
internal static class ChatLearningCommand
{
    public static int Run(string[] args)
    {
        string verb = args.Length > 1 ? args[1] : "";
        switch (verb)
        {
            case "prepare" when args.Length == 5:
                var meta = TextDatasetPreparer.Prepare(new TextDatasetOptions { InputPath = args[2], OutputDirectory = args[3], Tokenizer = args[4] });
                Console.WriteLine($"{args[3]}: vocab {meta.VocabSize}, train {meta.TrainTokens:N0} tokens, val {meta.ValTokens:N0} tokens");
                return 0;
            case "run" when args.Length == 7:
                ChatLearningRun.Run(new ChatLearningRun.Options
                {
                    DataDir = args[2],
                    Model = args[3],
                    Steps = int.Parse(args[4], CultureInfo.InvariantCulture),
                    EvalEvery = int.Parse(args[5], CultureInfo.InvariantCulture),
                    OutputCsv = args[6],
                });
                return 0;
            case "plot" when args.Length >= 6 && args.Length % 2 == 0:
                var runs = new List<(string, string)>();
                for (int i = 4; i < args.Length; i += 2) runs.Add((args[i], args[i + 1]));
                ChatLearningPlot.Save(args[2], args[3], runs);
                return 0;
            default:
                Console.Error.WriteLine("usage: chat-learn prepare <text> <folder> char|gpt2 | run <data-folder> trm|plain <steps> <eval-every> <out.csv> | plot <out.png> <title> <legend> <csv> [<legend> <csv> ...]");
                return 2;
        }
    }
}

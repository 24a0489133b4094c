using System.CommandLine;
using Trm.Inference.Chat;
using Trm.Inference.Generation;
using Trm.Model.Checkpoints;
using Trm.Tokenization.Chat;
using Trm.Training;

namespace Trm.Cli.Commands;

/// <summary>
/// <c>trm generate --checkpoint … --prompt "…"</c>: one assistant reply, printed token by token as it is generated; or
/// <c>--interactive</c>: a multi-turn chat on standard input (the history is sent with every turn; <c>/reset</c> clears
/// it, <c>quit</c>, <c>exit</c> or end of input leaves). <c>--raw</c> continues the prompt as plain text instead.
/// </summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A checkpoint folder (checkpoints/<run>/step_N), a run folder (its latest step) or a model.safetensors file.", Required = true };
        var prompt = new Option<string?>("--prompt") { Description = "The user message (with --raw: the text to continue)." };
        var interactive = new Option<bool>("--interactive", "-i") { Description = "Chat turn by turn on standard input (/reset clears the history; quit or exit leaves)." };
        var maxNew = new Option<int>("--max-new-tokens") { Description = "Most tokens per reply.", DefaultValueFactory = _ => 100 };
        var temperature = new Option<double>("--temperature") { Description = "Sampling temperature; 0 = greedy.", DefaultValueFactory = _ => 0.7 };
        var topK = new Option<int>("--top-k") { Description = "Keep the k most probable tokens; 0 = off.", DefaultValueFactory = _ => 50 };
        var topP = new Option<double>("--top-p") { Description = "Nucleus sampling threshold; 1 = off.", DefaultValueFactory = _ => 0.9 };
        var seed = new Option<long?>("--seed") { Description = "Seed for reproducible sampling." };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "gpt2 or char:<vocab.json>; default: the checkpoint's tokenizer metadata, else gpt2." };
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var raw = new Option<bool>("--raw") { Description = "Continue the prompt as plain text (no chat template)." };
        var noCache = new Option<bool>("--no-cache") { Description = "Recompute the whole window for every token instead of using the KV cache (slow; for comparison)." };
        var command = new Command("generate", "Generate text with a trained causal (chat) model: one reply to --prompt, or --interactive.");
        var verbose = CommandErrors.VerboseOption();
        foreach (var option in new Option[] { checkpoint, prompt, interactive, maxNew, temperature, topK, topP, seed, tokenizer, device, raw, noCache, verbose })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            bool isInteractive = parseResult.GetValue(interactive);
            string? text = parseResult.GetValue(prompt);
            if (!isInteractive && text is null)
            {
                error.WriteLine("error: give --prompt or --interactive");
                return 2;
            }

            GenerationOptions options;
            try
            {
                options = new GenerationOptions
                {
                    MaxNewTokens = parseResult.GetValue(maxNew),
                    Temperature = parseResult.GetValue(temperature),
                    TopK = parseResult.GetValue(topK),
                    TopP = parseResult.GetValue(topP),
                    Seed = parseResult.GetValue(seed),
                };
                options.Validate();
            }
            catch (ArgumentOutOfRangeException e)
            {
                // Name the option the user typed, not the property behind it.
                var option = e.ParamName switch
                {
                    nameof(GenerationOptions.Temperature) => temperature.Name,
                    nameof(GenerationOptions.TopK) => topK.Name,
                    nameof(GenerationOptions.TopP) => topP.Name,
                    nameof(GenerationOptions.MaxNewTokens) => maxNew.Name,
                    _ => e.ParamName,
                };
                return CommandErrors.Report(error, new ArgumentOutOfRangeException(option, e.ActualValue, CommandErrors.FirstLine(e.Message)), parseResult.GetValue(verbose), cancellationToken);
            }

            try
            {
                var builder = TextGenerator.CreateBuilder()
                    .FromCheckpoint(parseResult.GetValue(checkpoint)!)
                    .OnDevice(TrainerBuilder.ResolveDevice(parseResult.GetValue(device)!))
                    .WithKvCache(!parseResult.GetValue(noCache));
                if (parseResult.GetValue(tokenizer) is { } spec) builder.WithTokenizer(spec);

                if (parseResult.GetValue(raw))
                {
                    using var generator = builder.Build();
                    await foreach (var token in generator.GenerateStreamingAsync(text ?? "", options, cancellationToken)) output.Write(token.Text);
                    output.WriteLine();
                    return 0;
                }

                using var chat = builder.BuildChat();
                chat.DefaultOptions = options;
                if (!isInteractive)
                {
                    await Reply(chat, [ChatMessage.User(text!)], output, cancellationToken);
                    return 0;
                }

                await Interactive(chat, output, cancellationToken);
                return 0;
            }
            catch (InvalidOperationException e)
            {
                // the builder's own refusals (no checkpoint, a checkpoint that is no causal model)
                error.WriteLine($"error: {e.Message}");
                return CommandErrors.UserError;
            }
            catch (Exception e)
            {
                return CommandErrors.Report(error, e, parseResult.GetValue(verbose), cancellationToken);
            }
        });
        return command;
    }

    /// <summary>Streams one reply to <paramref name="output"/> and returns it.</summary>
    private static async Task<string> Reply(ChatGenerator chat, IReadOnlyList<ChatMessage> conversation, TextWriter output, CancellationToken cancellationToken)
    {
        var reply = new System.Text.StringBuilder();
        await foreach (var token in chat.CompleteStreamingAsync(conversation, null, cancellationToken))
        {
            output.Write(token.Text);
            output.Flush();
            reply.Append(token.Text);
        }

        output.WriteLine();
        return reply.ToString();
    }

    private static async Task Interactive(ChatGenerator chat, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine("Chat with the model. /reset clears the history; quit or exit leaves.");
        var history = new List<ChatMessage>();
        while (true)
        {
            output.Write("you> ");
            output.Flush();
            var line = Console.In.ReadLine();
            if (line is null) break;
            line = line.Trim();
            if (line.Length == 0) continue;
            if (line is "quit" or "exit") break;
            if (line == "/reset")
            {
                history.Clear();
                output.WriteLine("(history cleared)");
                continue;
            }

            history.Add(ChatMessage.User(line));
            output.Write("trm> ");
            var answer = await Reply(chat, history, output, cancellationToken);
            history.Add(ChatMessage.Assistant(answer));
        }
    }
}

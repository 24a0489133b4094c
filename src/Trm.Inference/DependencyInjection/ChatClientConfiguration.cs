using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Trm.Inference.Chat;

namespace Trm.Inference.DependencyInjection;

/// <summary>Reads <see cref="ChatClientOptions"/> from a configuration section (keys case- and underscore-insensitive); an unknown key fails, naming it.</summary>
internal sealed class ChatClientConfiguration(IConfiguration section) : IConfigureOptions<ChatClientOptions>
{
    public void Configure(ChatClientOptions options)
    {
        var errors = new List<string>();
        foreach (var child in section.GetChildren())
        {
            var value = child.Value ?? "";
            switch (child.Key.Replace("_", "", StringComparison.Ordinal).ToUpperInvariant())
            {
                case "CHECKPOINT": options.Checkpoint = value.Length == 0 ? null : value; break;
                case "DEVICE": options.Device = value; break;
                case "TOKENIZER": options.Tokenizer = value.Length == 0 ? null : value; break;
                default: errors.Add($"Config key '{child.Key}' (configuration '{child.Path}'): unknown key; known keys: checkpoint, device, tokenizer"); break;
            }
        }
        if (errors.Count > 0) throw new OptionsValidationException(Options.DefaultName, typeof(ChatClientOptions), errors);
    }
}

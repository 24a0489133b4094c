namespace Trm.Inference.Chat;

/// <summary>
/// Where the chat client registered by <c>services.AddTrmChatClient(...)</c> loads its model from. Configuration keys:
/// <c>checkpoint</c>, <c>device</c>, <c>tokenizer</c> (or the property names).
/// </summary>
public sealed class ChatClientOptions
{
    /// <summary>A <c>step_N</c> checkpoint folder, a run folder (its latest complete <c>step_N</c>) or a <c>.safetensors</c> file with <c>trm_config</c> metadata.</summary>
    public string? Checkpoint { get; set; }

    /// <summary>Device to run on: <c>cpu</c> (the default), <c>cuda</c> or <c>cuda:N</c>.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Tokenizer spec (<c>gpt2</c>, <c>char:&lt;vocab.json&gt;</c>); null: the checkpoint's <c>tokenizer</c> metadata, else GPT-2.</summary>
    public string? Tokenizer { get; set; }
}

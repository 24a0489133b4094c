namespace Trm.Training;

/// <summary>What a run trains on, detected from the files of its <c>data_paths</c> folders.</summary>
public enum TrainingDataKind
{
    /// <summary>A puzzle dataset (<c>train/dataset.json</c> and <c>.npy</c> arrays): the TRM with ACT, as the reference.</summary>
    Puzzle,

    /// <summary>A chat dataset (<c>dataset.json</c> of type <c>trm-chat-dataset</c> with token, mask and offset files): the causal language model, trained on the assistant tokens.</summary>
    Chat,

    /// <summary>nanoGPT-layout token streams (<c>meta.json</c>, <c>train.bin</c>, <c>val.bin</c>): the causal language model on every token.</summary>
    TokenStream,
}

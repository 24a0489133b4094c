namespace Trm.Model.Checkpoints;

/// <summary>A checkpoint is missing, incomplete, corrupted or does not fit the model; the message names the folder and file.</summary>
public sealed class TrmCheckpointException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The checkpoint folder or file concerned.</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public TrmCheckpointException(string path, string message, Exception? inner = null)
        : base($"Checkpoint {path}: {message}", inner)
    {
        CheckpointPath = path;
    }

    /// <summary>The checkpoint folder or file concerned.</summary>
    public string CheckpointPath { get; }
}

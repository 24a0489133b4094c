using Trm.Torch;

namespace Trm.Inference.DependencyInjection;

/// <summary>The start-up checks shared by the options of every registered model service: a checkpoint is named and the device parses.</summary>
internal static class ModelLocationChecks
{
    public static List<string> Failures(string? checkpoint, string? device)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(checkpoint)) failures.Add("Config key 'checkpoint': a checkpoint folder, run folder or .safetensors file is required");
        try
        {
            Device.Parse(device ?? "");
        }
        catch (FormatException e)
        {
            failures.Add($"Config key 'device': {e.Message}");
        }
        return failures;
    }
}

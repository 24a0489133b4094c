using Trm.Model;
using Trm.Model.Configuration;

namespace Trm.Training.Configuration;

/// <summary>
/// One key of a training configuration: its dotted reference path (<c>arch.H_cycles</c>), its PascalCase path
/// (<c>Arch.HCycles</c>) and the option behind it. <see cref="All"/> is the single table the override parser, the JSON
/// reader/writer and the <c>IConfiguration</c> binder share.
/// </summary>
public sealed class TrainConfigKey
{
    private TrainConfigKey(string path, string pascalPath, ConfigOption option, bool inArch)
    {
        Path = path;
        PascalPath = pascalPath;
        Option = option;
        InArch = inArch;
    }

    /// <summary>The reference's dotted path, e.g. <c>arch.L_cycles</c> or <c>lr</c>.</summary>
    public string Path { get; }

    /// <summary>The .NET dotted path, e.g. <c>Arch.LCycles</c> or <c>Lr</c>.</summary>
    public string PascalPath { get; }

    /// <summary>The option (type, nullability, reference name).</summary>
    public ConfigOption Option { get; }

    private bool InArch { get; }

    /// <summary>Sections that hold keys rather than values.</summary>
    public static IReadOnlyList<string> Sections { get; } = ["arch", "arch.loss"];

    /// <summary>Keys of the reference that are accepted and checked but change nothing here (the model and loss names, <c>H_layers</c>, which the TRM does not use).</summary>
    public static IReadOnlyDictionary<string, object> Fixed { get; } = new Dictionary<string, object>
    {
        ["arch.name"] = "recursive_reasoning.trm@TinyRecursiveReasoningModel_ACTV1",
        ["arch.loss.name"] = "losses@ACTLossHead",
        ["arch.H_layers"] = 0,
    };

    /// <summary>
    /// Other projects' names for our keys, accepted as written: nanoGPT's <c>batch_size</c> (rows per micro-batch, our
    /// <c>global_batch_size</c>), <c>grad_accum_steps</c> and <c>max_iters</c>.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Aliases { get; } = new Dictionary<string, string>
    {
        ["batch_size"] = "global_batch_size",
        ["grad_accum_steps"] = "gradient_accumulation_steps",
        ["max_iters"] = "max_steps",
    };

    /// <summary>Every settable key, top-level keys first, then <c>arch.*</c> (the data-shape options are left to the dataset).</summary>
    public static IReadOnlyList<TrainConfigKey> All { get; } = Build();

    /// <summary>The key's value in <paramref name="config"/>.</summary>
    /// <param name="config">The configuration.</param>
    public object? Get(TrainConfig config) => Option.Get(InArch ? config.Arch : config);

    /// <summary>A copy of <paramref name="config"/> with this key set to <paramref name="value"/>.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="value">A value of the option's type.</param>
    public TrainConfig Set(TrainConfig config, object? value) =>
        InArch ? config with { Arch = Option.With(config.Arch, value) } : Option.With(config, value);

    private static List<TrainConfigKey> Build()
    {
        var keys = new List<TrainConfigKey>();
        foreach (var option in ConfigOption.FromJsonNames<TrainConfig>())
        {
            keys.Add(new TrainConfigKey(option.Name, option.PropertyName, option, inArch: false));
        }
        var loss = ConfigOption.For<TrainConfig>([("loss_type", nameof(TrainConfig.LossType))])[0];
        keys.Add(new TrainConfigKey("arch.loss.loss_type", "Arch.Loss.LossType", loss, inArch: false));
        foreach (var option in TrmConfig.Options.Where(o => !o.FromDataset))
        {
            keys.Add(new TrainConfigKey("arch." + option.Name, "Arch." + option.PropertyName, option, inArch: true));
        }
        return keys;
    }
}

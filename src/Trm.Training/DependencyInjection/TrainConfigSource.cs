using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Trm.Training.Configuration;

namespace Trm.Training.DependencyInjection;

/// <summary>The configuration section <c>AddTrmTraining</c> binds <see cref="TrainConfig"/> from; its reload token reloads the options.</summary>
internal sealed class TrainConfigSource(IConfiguration configuration) : IOptionsChangeTokenSource<TrainConfig>
{
    public IConfiguration Configuration { get; } = configuration;

    public string Name => Options.DefaultName;

    public IChangeToken GetChangeToken() => Configuration.GetReloadToken();
}

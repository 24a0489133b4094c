using System.Globalization;
using System.Text.Json.Serialization;

namespace Trm.Core.IO;

/// <summary>The process that holds a <see cref="DirectoryLock"/>, as recorded in its lock file.</summary>
/// <param name="Pid">Process id.</param>
/// <param name="Host">Machine name.</param>
/// <param name="Started">When the lock was taken (UTC).</param>
public sealed record DirectoryLockOwner(
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("host")] string Host,
    [property: JsonPropertyName("started")] DateTimeOffset Started)
{
    /// <summary>The owner in words: <c>pid 1234 on host gpu01 since 2026-11-30T19:00:00Z</c>.</summary>
    public override string ToString() =>
        $"pid {Pid.ToString(CultureInfo.InvariantCulture)} on host {Host} since {Started.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}";
}

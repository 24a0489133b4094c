using System.Text.Json;

namespace Trm.Model.Tests;

/// <summary>Data/trm-reference/golden_summary.json: the reference's float64 losses, metrics and state keys.</summary>
internal static class GoldenSummary
{
    private static readonly Lazy<JsonDocument> Document =
        new(() => JsonDocument.Parse(File.ReadAllText(ReferenceData.PathOf("golden_summary.json"))));

    public static double Metric(string variant, string name) =>
        Document.Value.RootElement.GetProperty(variant).GetProperty("metrics").GetProperty(name).GetDouble();

    public static double Loss(string variant) => Document.Value.RootElement.GetProperty(variant).GetProperty("loss").GetDouble();

    public static string[] Keys(string variant) =>
        Document.Value.RootElement.GetProperty(variant).GetProperty("keys").EnumerateArray().Select(e => e.GetString()!).ToArray();
}

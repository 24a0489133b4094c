using System.CommandLine;
using Trm.Data.Readers;

namespace Trm.Cli.Commands;

/// <summary>The <c>--invalid-utf8 error|replace|skip</c> option shared by the verbs that read text.</summary>
internal static class InvalidUtf8Option
{
    /// <summary>A new option (each command owns its own instance).</summary>
    public static Option<string> Create()
    {
        var option = new Option<string>("--invalid-utf8")
        {
            Description = "Bytes that are not UTF-8: error (stop, naming file, line and byte offset), replace (with U+FFFD) or skip (drop them); replace and skip report how many.",
            DefaultValueFactory = _ => "error",
        };
        option.AcceptOnlyFromAmong("error", "replace", "skip");
        return option;
    }

    /// <summary>The policy an option value names.</summary>
    public static InvalidUtf8Policy Parse(string value) => value switch
    {
        "replace" => InvalidUtf8Policy.Replace,
        "skip" => InvalidUtf8Policy.Skip,
        _ => InvalidUtf8Policy.Error,
    };

    /// <summary>"N invalid UTF-8 sequences replaced with U+FFFD" or "… dropped".</summary>
    public static string Describe(long count, InvalidUtf8Policy policy) => Utf8CheckingStream.Describe(count, policy);
}

using SharpFuzz;
using Trm.Fuzz;

// trm-fuzz TARGET            run under AFL++ (afl-fuzz ... -- dotnet Trm.Fuzz.dll TARGET)
// trm-fuzz TARGET FILE...    run the target once on each file (to replay a crash)
if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: Trm.Fuzz {string.Join('|', FuzzTargets.All.Keys)} [FILE...]");
    return 2;
}
if (args.Length > 1)
{
    foreach (var file in args.Skip(1)) target(File.ReadAllBytes(file));
    return 0;
}
Fuzzer.OutOfProcess.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    target(copy.ToArray());
});
return 0;

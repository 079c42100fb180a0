using EnvoyTraceFilter.Fuzz;
using SharpFuzz;

// Usage: EnvoyTraceFilter.Fuzz <target>       under afl-fuzz (persistent mode), or once with the input on stdin
//        EnvoyTraceFilter.Fuzz <target> FILE… replays inputs in-process (corpus checks, crash reproduction)
//        EnvoyTraceFilter.Fuzz --list         prints the target names, one a line
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: EnvoyTraceFilter.Fuzz <target> [input files…] | --list");
    Console.Error.WriteLine("targets: " + string.Join(" ", FuzzTargets.Names));
    return 2;
}

if (args[0] == "--list")
{
    foreach (var name in FuzzTargets.Names)
    {
        Console.WriteLine(name);
    }

    return 0;
}

if (!FuzzTargets.TryGet(args[0], out var target))
{
    Console.Error.WriteLine($"unknown target '{args[0]}'; targets: {string.Join(" ", FuzzTargets.Names)}");
    return 2;
}

if (args.Length > 1)
{
    // Replay: every file must pass; the first failure is printed with its path and ends the run.
    foreach (var path in args.Skip(1))
    {
        try
        {
            target(File.ReadAllBytes(path));
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"{args[0]}: {path}: {ex}");
            return 1;
        }
    }

    Console.WriteLine($"{args[0]}: {args.Length - 1} inputs passed");
    return 0;
}

// Persistent mode: one process runs many inputs; an exception escaping the target is reported as a crash.
Fuzzer.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    target(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
});
return 0;

namespace EnvoyTraceFilter.Scenarios;

/// <summary>Where the scenario files are: integration-tests/scenarios of the repository the tests were built from.</summary>
public static class ScenarioFiles
{
    private const string RelativeDirectory = "integration-tests/scenarios";

    /// <summary>The repository root: the nearest directory above the test binaries holding integration-tests/scenarios.</summary>
    public static string RepositoryRoot { get; } = FindRoot(AppContext.BaseDirectory);

    public static string Directory { get; } = Path.Combine(RepositoryRoot, RelativeDirectory);

    /// <summary>File names (not paths), in ordinal order, for theory data.</summary>
    public static IReadOnlyList<string> Names() =>
        System.IO.Directory.GetFiles(Directory, "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();

    public static Scenario Load(string name) => Scenario.Load(Path.Combine(Directory, name));

    internal static string FindRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (System.IO.Directory.Exists(Path.Combine(directory.FullName, RelativeDirectory)))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no {RelativeDirectory} above {start}");
    }
}

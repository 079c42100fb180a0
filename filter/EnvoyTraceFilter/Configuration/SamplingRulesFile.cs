namespace EnvoyTraceFilter.Configuration;

/// <summary>Reads <c>TraceFilter:Sampling:RulesFile</c>; every problem becomes an error naming the key and the path.</summary>
internal static class SamplingRulesFile
{
    public const string Key = TraceFilterOptions.SectionName + ":Sampling:RulesFile";

    // A rules document is a few KB; anything near this is not one.
    private const long MaxBytes = 1 << 20;

    /// <summary>The file's text, or null with an error added.</summary>
    public static string? Read(string path, List<string> errors)
    {
        var full = Path.GetFullPath(path);
        try
        {
            var file = new FileInfo(full);
            if (!file.Exists)
            {
                errors.Add($"{Key} '{path}' does not exist ({full}); mount the rules file there or unset the key.");
                return null;
            }

            if (file.Length > MaxBytes)
            {
                errors.Add($"{Key} '{path}' is {file.Length} bytes; a sampling rules document must be at most {MaxBytes} bytes.");
                return null;
            }

            return File.ReadAllText(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{Key} '{path}' could not be read ({full}): {e.Message}");
            return null;
        }
    }
}

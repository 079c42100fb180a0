namespace EnvoyTraceFilter.Fuzz;

/// <summary>A property of the core failed for the current input; afl-fuzz records the input as a crash.</summary>
internal sealed class PropertyViolation(string message) : Exception(message)
{
    public static void Check(bool condition, string property)
    {
        if (!condition)
        {
            throw new PropertyViolation(property);
        }
    }
}

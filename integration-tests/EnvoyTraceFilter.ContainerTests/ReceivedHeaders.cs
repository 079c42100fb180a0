namespace EnvoyTraceFilter.ContainerTests;

/// <summary>Headers as received, names lowercased; <see cref="Get"/> wants one value, as the emulator's HeaderList does.</summary>
public sealed class ReceivedHeaders(IEnumerable<(string Name, string Value)> headers)
{
    private readonly List<(string Name, string Value)> _headers = headers.Select(h => (h.Name.ToLowerInvariant(), h.Value)).ToList();

    public string? Get(string name)
    {
        var values = _headers.Where(h => h.Name == name.ToLowerInvariant()).Select(h => h.Value).ToList();
        return values.Count switch
        {
            0 => null,
            1 => values[0],
            _ => throw new InvalidOperationException($"Header '{name}' occurs {values.Count} times: {string.Join(" | ", values)}"),
        };
    }

    public static ReceivedHeaders Of(HttpResponseMessage response) => new(
        response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated)
            .SelectMany(h => h.Value.Select(v => (h.Key, v))));
}

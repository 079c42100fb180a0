namespace EnvoyTraceFilter.Core.Headers;

/// <summary>The header map Envoy will apply a mutation to, as far as <see cref="HeaderBudget"/> needs it.</summary>
public interface IHeaderMapSize
{
    /// <summary>Number of headers, pseudo-headers included.</summary>
    int Count { get; }

    /// <summary>Sum of every name's and value's length in bytes (Envoy's HeaderMap::byteSize).</summary>
    long ByteSize { get; }

    /// <summary>The headers named <paramref name="lowerName"/>.</summary>
    HeaderOccurrences Find(string lowerName);
}

/// <summary>How often a name occurs, the bytes (name + value) of all its occurrences, and the first value's length.</summary>
public readonly record struct HeaderOccurrences(int Count, long Bytes, int FirstValueLength)
{
    public static HeaderOccurrences None => default;
}

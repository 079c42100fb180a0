using System.Text.Json;

namespace EnvoyTraceFilter.Core.XRay;

/// <summary>
/// Writes the <c>annotations</c> object under X-Ray's rules: keys of at most 500 ASCII letters, digits and
/// underscores (anything else becomes '_'), string values of at most 1000 characters, at most 50 entries,
/// no duplicate key after sanitising (first wins). Not thread-safe: one per <see cref="XRaySegmentWriter"/>.
/// </summary>
internal sealed class XRayAnnotationWriter
{
    public const int MaxAnnotations = 50;
    public const int MaxKeyLength = 500;
    public const int MaxValueLength = 1000;

    // Tag keys come from configuration, so a small cache makes sanitising allocation-free in steady state;
    // the cap keeps a misbehaving caller from growing it without bound.
    private const int MaxCachedKeys = 256;

    private readonly Dictionary<string, JsonEncodedText?> _keyCache = new(StringComparer.Ordinal);
    private readonly JsonEncodedText[] _written = new JsonEncodedText[MaxAnnotations];
    private int _count;

    public void Write(Utf8JsonWriter json, string? incompleteReason, IReadOnlyList<KeyValuePair<string, string>>? tags)
    {
        _count = 0;
        if (incompleteReason is null && (tags is null || tags.Count == 0))
        {
            return;
        }

        json.WriteStartObject(XRayJsonNames.Annotations);
        if (incompleteReason is not null)
        {
            Add(json, XRayJsonNames.IncompleteReason, incompleteReason);
        }

        if (tags is not null)
        {
            for (var i = 0; i < tags.Count && _count < MaxAnnotations; i++)
            {
                if (SanitisedKey(tags[i].Key) is { } key && !AlreadyWritten(key))
                {
                    Add(json, key, tags[i].Value ?? string.Empty);
                }
            }
        }

        json.WriteEndObject();
    }

    /// <summary>Maps a tag key to X-Ray's key alphabet; null when nothing usable is left.</summary>
    internal static string? Sanitise(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        var length = Math.Min(key.Length, MaxKeyLength);
        return string.Create(length, key, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                var c = source[i];
                span[i] = char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_';
            }
        });
    }

    private JsonEncodedText? SanitisedKey(string? key)
    {
        if (key is null)
        {
            return null;
        }

        if (_keyCache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var sanitised = Sanitise(key);
        JsonEncodedText? encoded = sanitised is null ? null : JsonEncodedText.Encode(sanitised);
        if (_keyCache.Count < MaxCachedKeys)
        {
            _keyCache[key] = encoded;
        }

        return encoded;
    }

    private bool AlreadyWritten(JsonEncodedText key)
    {
        for (var i = 0; i < _count; i++)
        {
            if (_written[i].EncodedUtf8Bytes.SequenceEqual(key.EncodedUtf8Bytes))
            {
                return true;
            }
        }

        return false;
    }

    private void Add(Utf8JsonWriter json, JsonEncodedText key, string value)
    {
        json.WriteString(key, XRayJsonValues.Truncate(value, MaxValueLength));
        _written[_count++] = key;
    }
}

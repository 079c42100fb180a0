namespace EnvoyTraceFilter.Core.Propagation;

/// <summary>Why an incoming trace header was ignored. Counted per (format, reason); names are metric tag values.</summary>
public enum RejectReason : byte
{
    None = 0,

    /// <summary>Header present with an empty value.</summary>
    Empty,

    /// <summary>Longer than the format's size cap.</summary>
    TooLong,

    /// <summary>A field has the wrong number of characters.</summary>
    BadLength,

    /// <summary>A character outside the field's alphabet (incl. upper-case hex where the spec says lower-case).</summary>
    BadCharacter,

    /// <summary>Fields not separated as the format says.</summary>
    BadDelimiter,

    /// <summary>A trace id of all zeros.</summary>
    ZeroTraceId,

    /// <summary>A span (or parent span) id of zero.</summary>
    ZeroSpanId,

    /// <summary>A version this parser must not accept (W3C <c>ff</c>, X-Ray root version other than 1).</summary>
    BadVersion,

    /// <summary>The sampling field has a value the format does not define.</summary>
    BadSampling,

    /// <summary>A decimal number out of range (X-Cloud-Trace-Context span id above 2^64-1).</summary>
    OutOfRange,

    /// <summary>A required field is missing (B3 span id without trace id, X-Ray without Root, …).</summary>
    MissingField,

    /// <summary>The same header (or the same X-Ray key) appeared more than once.</summary>
    Duplicate,

    /// <summary>
    /// Not a rejection: a repeated B3 header line or X-Ray extra key was ignored and the first one used, as the
    /// peers' getters do. Recorded in <see cref="TraceRejects.Ignored"/>.
    /// </summary>
    Repeated,

    /// <summary>
    /// Not a rejection: one field was ignored and the rest of the header used (<c>x-b3-flags</c> other than 0/1,
    /// an X-Ray extra field that is malformed, unsafe to write back, or past the echo bound). Recorded in
    /// <see cref="TraceRejects.Ignored"/>.
    /// </summary>
    FieldIgnored,
}

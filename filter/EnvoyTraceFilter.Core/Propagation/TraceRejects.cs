using System.Runtime.CompilerServices;

namespace EnvoyTraceFilter.Core.Propagation;

/// <summary>
/// Per-format reject reasons of one request (at most one per format; <see cref="RejectReason.None"/> = not rejected),
/// and per format what was ignored inside a header that was used (<see cref="Ignored"/>). <see cref="Any"/> covers both.
/// </summary>
public struct TraceRejects
{
    private const int FormatCount = (int)TraceFormat.CloudTrace + 1;

    private Reasons _reasons;
    private IgnoredParts _ignored;

    public readonly RejectReason this[TraceFormat format] => _reasons[(int)format];

    public readonly bool Any
    {
        get
        {
            for (var i = 0; i < FormatCount; i++)
            {
                if (_reasons[i] != RejectReason.None || !_ignored[i].IsEmpty)
                {
                    return true;
                }
            }

            return false;
        }
    }

    public void Set(TraceFormat format, RejectReason reason) => _reasons[(int)format] = reason;

    /// <summary>What was ignored inside an accepted header of this format (a repeat, a field); empty if nothing.</summary>
    public readonly RejectReasonSet Ignored(TraceFormat format) => _ignored[(int)format];

    public void AddIgnored(TraceFormat format, RejectReasonSet ignored) => _ignored[(int)format] = _ignored[(int)format].Union(ignored);

    [InlineArray(FormatCount)]
    private struct IgnoredParts
    {
        private RejectReasonSet _element;
    }

    [InlineArray(FormatCount)]
    private struct Reasons
    {
        private RejectReason _element;
    }
}

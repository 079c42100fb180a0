using System.Runtime.CompilerServices;

namespace EnvoyTraceFilter.Core.Propagation;

/// <summary>Per-format reject reasons of one request (at most one per format); <see cref="RejectReason.None"/> = not rejected.</summary>
public struct TraceRejects
{
    private const int FormatCount = (int)TraceFormat.CloudTrace + 1;

    private Reasons _reasons;

    public readonly RejectReason this[TraceFormat format] => _reasons[(int)format];

    public readonly bool Any
    {
        get
        {
            for (var i = 0; i < FormatCount; i++)
            {
                if (_reasons[i] != RejectReason.None)
                {
                    return true;
                }
            }

            return false;
        }
    }

    public void Set(TraceFormat format, RejectReason reason) => _reasons[(int)format] = reason;

    [InlineArray(FormatCount)]
    private struct Reasons
    {
        private RejectReason _element;
    }
}

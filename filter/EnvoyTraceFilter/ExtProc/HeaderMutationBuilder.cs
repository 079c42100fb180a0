using Envoy.Config.Core.V3;
using Envoy.Service.ExtProc.V3;
using EnvoyTraceFilter.Core.Headers;
using Google.Protobuf;

namespace EnvoyTraceFilter.ExtProc;

/// <summary>
/// Turns header edits into Envoy's HeaderMutation: lower-case names, values in raw_value only (a value-only
/// entry becomes an empty header in Envoy ≥1.27), append unset (Envoy then overwrites; append_action is ignored).
/// </summary>
internal static class HeaderMutationBuilder
{
    public static HeaderMutation? Build(HeaderEdits edits)
    {
        if (edits.IsEmpty)
        {
            return null;
        }

        var mutation = new HeaderMutation();
        for (var i = 0; i < edits.RemoveCount; i++)
        {
            mutation.RemoveHeaders.Add(edits.Removed(i));
        }

        for (var i = 0; i < edits.SetCount; i++)
        {
            mutation.SetHeaders.Add(new HeaderValueOption
            {
                Header = new HeaderValue
                {
                    Key = edits.SetName(i),
                    // The edits own their buffer and outlive the write, so wrapping without a copy is safe.
                    RawValue = UnsafeByteOperations.UnsafeWrap(edits.SetValue(i)),
                },
            });
        }

        return mutation;
    }
}

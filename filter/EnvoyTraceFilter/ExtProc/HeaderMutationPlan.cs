using Envoy.Config.Core.V3;
using Envoy.Service.ExtProc.V3;
using EnvoyTraceFilter.Core.Headers;
using Google.Protobuf;

namespace EnvoyTraceFilter.ExtProc;

/// <summary>
/// The HeaderMutation one answer carries: the edits <see cref="HeaderBudget"/> kept, with a stale <c>b3</c> removed
/// when the budget says so. Names lower-case, values in <c>raw_value</c> only (a value-only entry becomes an empty
/// header in Envoy ≥1.27), <c>append</c> unset (Envoy then overwrites; <c>append_action</c> is ignored).
/// </summary>
internal readonly struct HeaderMutationPlan(HeaderEdits edits, HeaderBudgetResult budget)
{
    private static readonly string B3 = KnownHeaders.Name(KnownHeader.B3);

    // HeaderMutation: set_headers = 1, remove_headers = 2. HeaderValueOption: header = 1. HeaderValue: key = 1, raw_value = 3.
    private const int SetHeadersField = 1;
    private const int RemoveHeadersField = 2;
    private const int OptionHeaderField = 1;
    private const int KeyField = 1;
    private const int RawValueField = 3;

    private bool KeepsSet(int index) => budget.Keeps(OutputGroups.Of(edits.SetName(index)));

    private bool KeepsRemove(int index) => budget.Keeps(OutputGroups.Of(edits.Removed(index)));

    /// <summary>Size of the HeaderMutation message's content.</summary>
    public int Size()
    {
        var size = 0;
        for (var i = 0; i < edits.SetCount; i++)
        {
            if (KeepsSet(i))
            {
                size += ProtoWire.FieldSize(ProtoWire.FieldSize(HeaderValueSize(i)));
            }
        }

        if (budget.RemoveStaleB3)
        {
            size += ProtoWire.StringFieldSize(B3);
        }

        for (var i = 0; i < edits.RemoveCount; i++)
        {
            if (KeepsRemove(i))
            {
                size += ProtoWire.StringFieldSize(edits.Removed(i));
            }
        }

        return size;
    }

    /// <summary>Writes the content; protobuf's field order, so set_headers come before remove_headers.</summary>
    public void Write(ref ProtoWire wire)
    {
        for (var i = 0; i < edits.SetCount; i++)
        {
            if (!KeepsSet(i))
            {
                continue;
            }

            var header = HeaderValueSize(i);
            wire.FieldHeader(SetHeadersField, ProtoWire.FieldSize(header));
            wire.FieldHeader(OptionHeaderField, header);
            var name = edits.SetName(i);
            if (name.Length > 0)
            {
                wire.String(KeyField, name);
            }

            var value = edits.SetValue(i).Span;
            if (!value.IsEmpty)
            {
                wire.Bytes(RawValueField, value);
            }
        }

        if (budget.RemoveStaleB3)
        {
            wire.String(RemoveHeadersField, B3);
        }

        for (var i = 0; i < edits.RemoveCount; i++)
        {
            if (KeepsRemove(i))
            {
                wire.String(RemoveHeadersField, edits.Removed(i));
            }
        }
    }

    /// <summary>The same mutation as a Google.Protobuf message: the reference the wire form is tested against.</summary>
    public HeaderMutation ToMessage()
    {
        var mutation = new HeaderMutation();
        if (budget.RemoveStaleB3)
        {
            mutation.RemoveHeaders.Add(B3);
        }

        for (var i = 0; i < edits.RemoveCount; i++)
        {
            if (KeepsRemove(i))
            {
                mutation.RemoveHeaders.Add(edits.Removed(i));
            }
        }

        for (var i = 0; i < edits.SetCount; i++)
        {
            if (KeepsSet(i))
            {
                mutation.SetHeaders.Add(new HeaderValueOption
                {
                    Header = new HeaderValue { Key = edits.SetName(i), RawValue = ByteString.CopyFrom(edits.SetValue(i).Span) },
                });
            }
        }

        return mutation;
    }

    // proto3: an empty key or value is not written at all.
    private int HeaderValueSize(int index)
    {
        var name = edits.SetName(index);
        var value = edits.SetValue(index).Length;
        return (name.Length > 0 ? ProtoWire.StringFieldSize(name) : 0) + (value > 0 ? ProtoWire.FieldSize(value) : 0);
    }
}

using System.Text;
using Envoy.Service.ExtProc.V3;

namespace EnvoyEmulator;

/// <summary>
/// Applies a HeaderMutation the way Envoy's MutationUtils::applyHeaderMutations and the mutation-rules Checker
/// do (doc §1b "What Envoy accepts in mutations"). Returns null on success or Envoy's error text (⇒ 500).
/// </summary>
internal sealed class HeaderMutator(EmulatorOptions options, EmulatorStats stats)
{
    private enum Check { Ok, Ignore, Fail }

    private enum Operation { Set, Append, Remove }

    /// <param name="limits">The limits of the map being mutated (request, upstream response, or none).</param>
    public string? Apply(HeaderMutation mutation, HeaderList headers, bool replacingMessage, HeaderLimits limits)
    {
        var max = limits.MaxCount;
        if (mutation.RemoveHeaders.Count > max || mutation.SetHeaders.Count > max)
        {
            stats.IncRejectedHeaderMutations();
            return $"Header mutation remove header count {mutation.RemoveHeaders.Count} or set header count " +
                $"{mutation.SetHeaders.Count} exceed the HCM header countlimit {max}";
        }

        foreach (var name in mutation.RemoveHeaders)
        {
            if (!HeaderValidation.NameIsValid(name))
            {
                stats.IncRejectedHeaderMutations();
                return "Invalid character in remove_headers mutation.";
            }

            var lower = name.ToLowerInvariant();
            switch (Checked(Operation.Remove, lower, ""))
            {
                case Check.Ok:
                    headers.Remove(lower);
                    break;
                case Check.Fail:
                    return $"Invalid attempt to remove {lower}";
            }
        }

        foreach (var option in mutation.SetHeaders)
        {
            if (option.Header is not { } header)
            {
                continue;
            }

            // 1.28–1.31: both fields set is an error; from 1.32 only raw_value is read (value ignored).
            if (!options.EnvoyVersion.AtLeast(32) && header.Value.Length > 0 && !header.RawValue.IsEmpty)
            {
                stats.IncRejectedHeaderMutations();
                return "Only one of value or raw_value in the HeaderValue message should be set.";
            }

            // Checked on the raw bytes: every control byte but HTAB, and DEL, is an error (⇒ 500).
            if (!HeaderValidation.NameIsValid(header.Key) || !HeaderValidation.ValueIsValid(header.RawValue.Span))
            {
                stats.IncRejectedHeaderMutations();
                return "Invalid character in set_headers mutation.";
            }

            var value = Encoding.UTF8.GetString(header.RawValue.Span);
            var lower = header.Key.ToLowerInvariant();
            // Only the deprecated BoolValue `append` counts; append_action and keep_empty_value are ignored.
            var append = option.Append ?? false;
            var operation = append && headers.Contains(lower) ? Operation.Append : Operation.Set;
            var check = Checked(operation, lower, value);
            if (replacingMessage && lower == ":method")
            {
                check = Check.Ok; // CONTINUE_AND_REPLACE may always change :method.
            }

            switch (check)
            {
                case Check.Ok when append:
                    headers.Add(lower, value);
                    break;
                case Check.Ok:
                    headers.Set(lower, value);
                    break;
                case Check.Fail:
                    return $"Invalid attempt to modify {lower}";
            }
        }

        // HeaderMap::byteSize: the sum of every name's and value's length, pseudo-headers included.
        if (headers.Count > max || headers.ByteSize() > limits.MaxBytes)
        {
            stats.IncRejectedHeaderMutations();
            return $"Header mutation causes end result header count {headers.Count} or header size " +
                $"{headers.ByteSize()} bytes, exceeding the count limit {max} or the size limit " +
                $"{limits.MaxKb} kilobytes";
        }

        return null;
    }

    private Check Checked(Operation operation, string lowerName, string value)
    {
        var result = IsAllowed(operation, lowerName) && HeaderValidation.SpecialValueIsValid(lowerName, value)
            ? Check.Ok
            : options.MutationRules.DisallowIsError ? Check.Fail : Check.Ignore;
        if (result != Check.Ok)
        {
            stats.IncRejectedHeaderMutations();
        }

        return result;
    }

    private bool IsAllowed(Operation operation, string name)
    {
        var rules = options.MutationRules;
        var system = name.StartsWith(':');
        return operation switch
        {
            Operation.Append when system => false,
            Operation.Remove when system || name == "host" => false,
            _ when !rules.AllowAllRouting && name is ":authority" or "host" or ":method" or ":scheme" => false,
            _ when rules.DisallowSystem && system => false,
            _ when !rules.AllowEnvoy && name.StartsWith("x-envoy", StringComparison.Ordinal) => false,
            _ => true,
        };
    }
}

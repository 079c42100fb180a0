namespace EnvoyTraceFilter.Core.Naming;

/// <summary>One dynamic-naming rule: when <paramref name="Pattern"/> matches the host, the service is <paramref name="Name"/>.</summary>
/// <param name="Pattern"><c>*</c>/<c>?</c> pattern over the whole port-stripped host, case-insensitive.</param>
/// <param name="Name">A fixed name, or <see langword="null"/> to use the (port-stripped, lower-cased) host itself.</param>
public sealed record NamingRule(string Pattern, string? Name);

using Microsoft.AspNetCore.Http;
using OrleansKv.Client;

namespace OrleansKv.Api;

/// <summary>
/// HTTP's own conditional headers mapped onto write conditions: If-Match: "v" (version equals),
/// If-Match: * (must exist), If-None-Match: * (must not exist), and X-Kv-If-Value: base64
/// (expected value). At most one per request.
/// </summary>
internal static class ConditionHeaders
{
    public const string IfValueHeader = "X-Kv-If-Value";

    public static bool TryParse(HttpRequest request, out WriteCondition condition, out string error)
    {
        condition = WriteCondition.None;
        error = "";
        var found = 0;
        var ifMatch = request.Headers.IfMatch.ToString();
        var ifNoneMatch = request.Headers.IfNoneMatch.ToString();
        var ifValue = request.Headers[IfValueHeader].ToString();

        if (ifMatch.Length > 0)
        {
            found++;
            if (ifMatch.Trim() == "*") condition = WriteCondition.IfExists;
            else if (TryParseVersion(ifMatch, out var version)) condition = WriteCondition.IfVersion(version);
            else { error = $"If-Match must be * or one quoted version like \"42\", not {ifMatch}"; return false; }
        }
        if (ifNoneMatch.Length > 0)
        {
            found++;
            if (ifNoneMatch.Trim() != "*") { error = "only If-None-Match: * (create only) is supported"; return false; }
            condition = WriteCondition.IfNotExists;
        }
        if (ifValue.Length > 0)
        {
            found++;
            try { condition = WriteCondition.IfValue(Convert.FromBase64String(ifValue.Trim())); }
            catch (FormatException) { error = $"{IfValueHeader} must be base64"; return false; }
        }
        if (found > 1) { error = "give at most one condition (If-Match, If-None-Match or X-Kv-If-Value)"; return false; }
        return true;
    }

    /// <summary>Parses a strong entity tag holding a version: "42".</summary>
    public static bool TryParseVersion(string etag, out ulong version)
    {
        var text = etag.Trim();
        version = 0;
        return text.Length >= 3 && text[0] == '"' && text[^1] == '"' && ulong.TryParse(text.AsSpan(1, text.Length - 2), out version);
    }

    public static string ETagOf(ulong version) => $"\"{version}\"";
}

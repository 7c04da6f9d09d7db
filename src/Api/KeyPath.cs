using System.Text;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace OrleansKv.Api;

/// <summary>
/// The key of a /v1/kv/{key} request, decoded from the raw request target (not the routing
/// value, which leaves %2F and invalid sequences ambiguous): strict percent-decoding, then UTF-8.
/// </summary>
internal static class KeyPath
{
    public const string Prefix = "/v1/kv/";

    /// <summary>The key's bytes (valid UTF-8), or an error message.</summary>
    public static bool TryDecode(HttpContext context, out byte[] key, out string error)
    {
        key = [];
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var query = raw.IndexOf('?');
        if (query >= 0) raw = raw[..query];
        var start = raw.IndexOf(Prefix, StringComparison.Ordinal);
        if (start < 0) { error = "the path is not /v1/kv/{key}"; return false; }
        var encoded = raw.AsSpan(start + Prefix.Length);
        if (encoded.IsEmpty) { error = "the key is empty"; return false; }

        var bytes = new byte[encoded.Length];
        var length = 0;
        for (var i = 0; i < encoded.Length; i++)
        {
            var c = encoded[i];
            if (c == '%')
            {
                if (i + 2 >= encoded.Length || !IsHex(encoded[i + 1]) || !IsHex(encoded[i + 2]))
                {
                    error = $"invalid percent-encoding at position {i} of the key";
                    return false;
                }
                bytes[length++] = (byte)(HexValue(encoded[i + 1]) * 16 + HexValue(encoded[i + 2]));
                i += 2;
            }
            else if (c > 0x7F)
            {
                error = "the key contains a raw non-ASCII character; percent-encode it";
                return false;
            }
            else bytes[length++] = (byte)c;
        }
        // Checked, not decoded: the key's text is needed only for the odd message (see TextOf).
        if (!Utf8.IsValid(bytes.AsSpan(0, length)))
        {
            error = "the key is not valid UTF-8 once percent-decoded";
            return false;
        }
        key = length == bytes.Length ? bytes : bytes.AsSpan(0, length).ToArray();
        error = "";
        return true;
    }

    /// <summary>The text of a key <see cref="TryDecode"/> accepted.</summary>
    public static string TextOf(byte[] key) => Encoding.UTF8.GetString(key);

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

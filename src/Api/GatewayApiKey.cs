using System.Security.Cryptography;
using System.Text;

namespace OrleansKv.Api;

/// <summary>
/// The key the HTTP gateway requires when <see cref="KvApiOptions.ApiKey"/> is set. <see cref="Validate"/>
/// is the one rule a configured key must meet; the key itself is kept only as its SHA-256 hash and
/// never appears in a message or a log.
/// </summary>
public sealed class GatewayApiKey
{
    /// <summary>The shortest key accepted: shorter keys are too easy to guess.</summary>
    public const int MinimumLength = 16;

    private readonly byte[] _hash;

    internal GatewayApiKey(string key)
    {
        Validate(key, $"{nameof(KvApiOptions)}.{nameof(KvApiOptions.ApiKey)}");
        _hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
    }

    /// <summary>
    /// Throws <see cref="InvalidOperationException"/>, naming <paramref name="setting"/> but not the
    /// key, unless <paramref name="key"/> is at least <see cref="MinimumLength"/> characters of
    /// visible ASCII. HTTP trims the ends of header values and Kestrel refuses non-ASCII in them, so
    /// a key with spaces or other characters could not be sent back reliably.
    /// </summary>
    public static void Validate(string key, string setting)
    {
        if (key.Length < MinimumLength)
            throw new InvalidOperationException($"{setting} is {key.Length} characters long; an API key needs at least {MinimumLength}");
        foreach (var c in key)
        {
            if (c is < '!' or > '~')
                throw new InvalidOperationException($"{setting} may hold only visible ASCII characters (letters, digits, punctuation; no spaces)");
        }
    }

    /// <summary>
    /// Whether <paramref name="presented"/> is this key. Both sides are hashed first, so the
    /// constant-time comparison takes the same time whatever the presented key's length too.
    /// </summary>
    internal bool Matches(ReadOnlySpan<char> presented)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var maxBytes = Encoding.UTF8.GetMaxByteCount(presented.Length);
        Span<byte> bytes = maxBytes <= 1024 ? stackalloc byte[maxBytes] : new byte[maxBytes];
        var length = Encoding.UTF8.GetBytes(presented, bytes);
        SHA256.HashData(bytes[..length], hash);
        return CryptographicOperations.FixedTimeEquals(hash, _hash);
    }
}

using System.Text;

namespace OrleansKv.Client;

/// <summary>UTF-8 string conveniences over <see cref="IKvClient"/>.</summary>
public static class KvClientExtensions
{
    public static async Task<string?> GetStringAsync(this IKvClient client, string key, ReadConsistency consistency = ReadConsistency.Linearizable, CancellationToken cancellationToken = default)
    {
        var entry = await client.GetAsync(Encoding.UTF8.GetBytes(key), consistency, cancellationToken).ConfigureAwait(false);
        return entry is null ? null : Encoding.UTF8.GetString(entry.Value.Span);
    }

    public static Task<ulong> PutAsync(this IKvClient client, string key, string value, WriteCondition condition = default, CancellationToken cancellationToken = default) =>
        client.PutAsync(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value), condition, cancellationToken);

    public static Task<ulong> AppendAsync(this IKvClient client, string key, string value, WriteCondition condition = default, CancellationToken cancellationToken = default) =>
        client.AppendAsync(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value), condition, cancellationToken);

    public static Task<bool> DeleteAsync(this IKvClient client, string key, WriteCondition condition = default, CancellationToken cancellationToken = default) =>
        client.DeleteAsync(Encoding.UTF8.GetBytes(key), condition, cancellationToken);
}

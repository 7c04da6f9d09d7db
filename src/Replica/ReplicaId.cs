namespace OrleansKv.Replica;

/// <summary>
/// Maps a replica's name (the name of the silo that hosts it, such as <c>silo1</c>) to its Raft
/// node id. The id is a hash of the name, so every silo and every restart derives the same id
/// without a registry, and the order in which silos are listed never matters.
/// </summary>
public static class ReplicaId
{
    /// <summary>The node id of the replica named <paramref name="name"/>: FNV-1a 64 of its UTF-8 bytes, never 0 (Raft's "none").</summary>
    public static ulong Of(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var hash = 14695981039346656037UL;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(name))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return hash == 0 ? 1 : hash;
    }

    /// <summary>Ids for a list of names; throws if two names share an id or a name repeats.</summary>
    public static IReadOnlyDictionary<ulong, string> Map(IEnumerable<string> names)
    {
        var map = new Dictionary<ulong, string>();
        foreach (var name in names)
        {
            var id = Of(name);
            if (map.TryGetValue(id, out var other))
                throw new ArgumentException(other == name ? $"replica '{name}' is listed twice" : $"replicas '{other}' and '{name}' hash to the same id; rename one");
            map[id] = name;
        }
        return map;
    }
}

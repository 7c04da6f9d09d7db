namespace OrleansKv.Bench;

/// <summary>The operations the client benchmark measures, one run each.</summary>
internal enum ClientOperation
{
    /// <summary>Unconditional put of a fresh value.</summary>
    Put,
    /// <summary>Linearizable get (ReadIndex at the leader).</summary>
    Get,
    /// <summary>Stale get, served by any replica.</summary>
    StaleGet,
    /// <summary>Put conditioned on the version the caller last saw.</summary>
    Cas,
}

internal static class ClientOperationNames
{
    public static string NameOf(ClientOperation operation) => operation switch
    {
        ClientOperation.Put => "put",
        ClientOperation.Get => "get",
        ClientOperation.StaleGet => "stale_get",
        ClientOperation.Cas => "cas",
        _ => throw new ArgumentOutOfRangeException(nameof(operation)),
    };

    public static bool TryParse(string name, out ClientOperation operation)
    {
        foreach (var candidate in Enum.GetValues<ClientOperation>())
        {
            if (NameOf(candidate) == name)
            {
                operation = candidate;
                return true;
            }
        }
        operation = default;
        return false;
    }
}

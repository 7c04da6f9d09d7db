namespace OrleansKv.Clustering;

/// <summary>
/// The whole membership table of one cluster as stored on disk: the table version with its etag
/// and every silo's row. One file holds all of it, so a single atomic rename replaces the rows
/// and the version together, which is what the table's atomicity contract asks for.
/// </summary>
internal sealed class TableDocument
{
    /// <summary>The file layout this code writes; a reader refuses any other.</summary>
    public const int CurrentFormat = 1;

    /// <summary>Layout version of the file, for a future change of format.</summary>
    public int Format { get; set; } = CurrentFormat;

    /// <summary>The cluster this table belongs to (also encoded in the file name).</summary>
    public string ClusterId { get; set; } = "";

    /// <summary>The table version number the membership protocol last wrote.</summary>
    public int Version { get; set; }

    /// <summary>Changes on every successful InsertRow and UpdateRow; callers must present it.</summary>
    public string VersionEtag { get; set; } = "";

    /// <summary>One row per silo incarnation (address plus generation).</summary>
    public List<RowDocument> Rows { get; set; } = [];

    /// <summary>An empty table at version 0, as InitializeMembershipTable creates it.</summary>
    public static TableDocument CreateEmpty(string clusterId) => new()
    {
        ClusterId = clusterId,
        Version = 0,
        VersionEtag = ETags.New(),
    };

    /// <summary>The row of <paramref name="siloAddress"/> (its parsable form), or null.</summary>
    public RowDocument? Find(string siloAddress)
    {
        foreach (var row in Rows)
        {
            if (string.Equals(row.SiloAddress, siloAddress, StringComparison.Ordinal))
            {
                return row;
            }
        }

        return null;
    }
}

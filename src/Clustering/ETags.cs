namespace OrleansKv.Clustering;

/// <summary>
/// Fresh etags for rows and for the table version. Random rather than counted, so an etag
/// handed out before the table was deleted and re-created can never match a later one.
/// </summary>
internal static class ETags
{
    /// <summary>A new etag, unique for all practical purposes.</summary>
    public static string New() => Guid.NewGuid().ToString("N");
}

namespace OrleansKv.Clustering;

/// <summary>One vote, as stored on disk: which silo suspected the row's silo, and when.</summary>
internal sealed class SuspicionDocument
{
    /// <summary>The suspecting silo, as <c>SiloAddress.ToParsableString()</c>.</summary>
    public string Silo { get; set; } = "";

    /// <summary>When the vote was cast (UTC, as the membership protocol records it).</summary>
    public DateTime Time { get; set; }
}

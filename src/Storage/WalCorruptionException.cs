namespace OrleansKv.Storage;

/// <summary>
/// The write-ahead log or a snapshot file is damaged somewhere other than a torn tail, so the
/// provider refuses to open (or, for a record read back later, the silo stops): acknowledged
/// writes may be lost and an operator must decide.
/// </summary>
public sealed class WalCorruptionException(string file, long offset, string reason)
    : IOException($"corrupt storage file {file} at offset {offset}: {reason}")
{
    /// <summary>Full path of the damaged file.</summary>
    public string File { get; } = file;

    /// <summary>Byte offset of the first bad record in <see cref="File"/>.</summary>
    public long Offset { get; } = offset;
}

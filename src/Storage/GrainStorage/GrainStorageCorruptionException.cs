namespace OrleansKv.Storage.GrainStorage;

/// <summary>
/// A state log segment is damaged somewhere other than a torn tail (or a record read back does
/// not match its checksum): acknowledged writes may be lost, so the provider refuses to open and
/// an operator must decide.
/// </summary>
public sealed class GrainStorageCorruptionException(string file, long offset, string reason)
    : IOException($"corrupt grain storage file {file} at offset {offset}: {reason}")
{
    /// <summary>Full path of the damaged file.</summary>
    public string File { get; } = file;

    /// <summary>Byte offset of the first bad record in <see cref="File"/>.</summary>
    public long Offset { get; } = offset;
}

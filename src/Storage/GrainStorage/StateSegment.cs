using Microsoft.Win32.SafeHandles;

namespace OrleansKv.Storage.GrainStorage;

/// <summary>
/// One segment file of a state log: its handle (kept open for reads and, for the current
/// segment, appends), its length, and how many of its bytes are live records. Readers take a
/// reference so that a segment deleted by compaction keeps its handle until the last read ends.
/// Reference counts and <see cref="Deleted"/> are changed under the log's lock.
/// </summary>
internal sealed class StateSegment(ulong id, string path, SafeFileHandle handle, ulong baseSequence)
{
    public ulong Id { get; } = id;
    public string Path { get; } = path;
    public SafeFileHandle Handle { get; } = handle;
    public ulong BaseSequence { get; } = baseSequence;

    /// <summary>Bytes written and durable (header included).</summary>
    public long Length { get; set; }

    /// <summary>Bytes of records that are still the latest state of their key.</summary>
    public long LiveBytes { get; set; }

    public int Readers { get; set; }
    public bool Deleted { get; set; }

    /// <summary>Bytes that are neither header nor live records.</summary>
    public long GarbageBytes => Length - StateRecordFormat.SegmentHeaderSize - LiveBytes;

    public static SafeFileHandle OpenHandle(string path, FileMode mode)
        => File.OpenHandle(path, mode, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
}

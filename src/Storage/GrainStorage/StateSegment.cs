using Microsoft.Win32.SafeHandles;

namespace OrleansKv.Storage.GrainStorage;

/// <summary>
/// One segment file of a state log: its handle (kept open for reads and, for the current
/// segment, appends), its length, and how many of its bytes are live records. Readers take a
/// reference so that a segment deleted by compaction keeps its handle until the last read ends.
/// Reference counts and <see cref="Deleted"/> are changed under the log's lock.
/// <para>The current segment is zero-filled a step ahead of its records (<see cref="ZeroAhead"/>),
/// so most appends land in blocks the filesystem has allocated already and their data sync needs
/// no journal commit. Recovery reads zeros after the last record as the end of the records; a
/// segment is trimmed to its records before the next one is created.</para>
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

    /// <summary>The file's length: <see cref="Length"/> plus the zeros written ahead of it.</summary>
    public long Allocated { get; set; }

    /// <summary>Bytes that are neither header nor live records.</summary>
    public long GarbageBytes => Length - StateRecordFormat.SegmentHeaderSize - LiveBytes;

    /// <summary>
    /// How far ahead of the records the file is zero-filled. One step costs about one extra
    /// write of this size; a 256 KiB write plus data sync took 0.46 ms here, against 0.2 ms for a
    /// small append's, and it serves on the order of a hundred group commits.
    /// </summary>
    public const int ZeroFillStep = 256 * 1024;

    private static readonly byte[] Zeros = new byte[64 * 1024];

    /// <summary>
    /// Called with the records written up to <paramref name="end"/> and not yet synced: once they
    /// reach the zeroed space's end, zero-fills the next step (up to <paramref name="limit"/>, the
    /// segment size) so that the same sync allocates it.
    /// </summary>
    public void ZeroAhead(long end, long limit)
    {
        if (end < Allocated) return;
        var target = Math.Min((end / ZeroFillStep + 1) * ZeroFillStep, limit);
        for (var at = end; at < target; at += Zeros.Length)
            RandomAccess.Write(Handle, Zeros.AsSpan(0, (int)Math.Min(Zeros.Length, target - at)), at);
        Allocated = Math.Max(end, target);
    }

    /// <summary>Cuts the zeros after the records off and makes that durable: no segment but the last may end in zeros.</summary>
    public void TrimToRecords()
    {
        if (Allocated <= Length) return;
        RandomAccess.SetLength(Handle, Length);
        RandomAccess.FlushToDisk(Handle);
        Allocated = Length;
    }

    public static SafeFileHandle OpenHandle(string path, FileMode mode)
        => File.OpenHandle(path, mode, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
}

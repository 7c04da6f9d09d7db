using OrleansKv.Replica.Storage;
using OrleansKv.Storage.Wal;

namespace OrleansKv.Storage;

/// <summary>
/// The <c>file</c> storage provider (the default): one segmented write-ahead log per silo, shared
/// by every Raft group the silo hosts, so concurrent writes of all groups share one fsync.
/// Records are CRC-32C checked; snapshots live in their own files next to the segments.
/// Opening recovers the state of every group; a torn tail is cut off (see <see cref="RecoveryWarnings"/>),
/// other damage throws <see cref="WalCorruptionException"/>.
/// </summary>
/// <remarks>
/// If writing or fsyncing fails, the provider cannot tell what is durable, so it calls the fatal
/// error action, by default: report to stderr and <see cref="Environment.FailFast(string)"/>.
/// The data folder is locked while open, so two providers cannot share it. onDurable callbacks run on
/// the writer thread: they must be quick and must not block (the grain only posts to its mailbox).
/// </remarks>
public sealed class FileStorageProvider : IStorageProvider
{
    public const string ProviderName = "file";

    private readonly FileStream _lock;
    private readonly WalWriter _writer;
    private readonly Dictionary<uint, GroupLog> _recovered;
    private readonly long _maxCachedEntryBytes;
    private readonly Dictionary<uint, FileGroupStore> _stores = [];
    private bool _disposed;

    /// <param name="options">Data folder and limits.</param>
    /// <param name="onFatalError">What to do when the log cannot be written; the default stops the process.</param>
    public FileStorageProvider(FileStorageOptions options, Action<Exception>? onFatalError = null)
    {
        if (options.SegmentBytes <= 0 || options.MaxQueuedBytes <= 0 || options.MaxCachedEntryBytes <= 0)
            throw new ArgumentException("SegmentBytes, MaxQueuedBytes and MaxCachedEntryBytes must be positive", nameof(options));
        _maxCachedEntryBytes = options.MaxCachedEntryBytes;
        System.IO.Directory.CreateDirectory(options.Directory);
        _lock = new FileStream(Path.Combine(options.Directory, WalFileNames.LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        try
        {
            var recovered = WalRecovery.Run(options.Directory);
            foreach (var warning in recovered.Warnings) Console.Error.WriteLine($"storage: {warning}");
            RecoveryWarnings = recovered.Warnings;
            _recovered = recovered.Groups;
            _writer = new WalWriter(options, recovered, onFatalError ?? StopProcess);
        }
        catch
        {
            _lock.Dispose();
            throw;
        }
    }

    public string Name => ProviderName;

    /// <summary>Repairs made while opening (for example a truncated torn tail), for logs and tests.</summary>
    public IReadOnlyList<string> RecoveryWarnings { get; }

    /// <summary>Test hook: runs on the writer thread between writing a batch and fsyncing it.</summary>
    internal Action? BeforeSync { set => _writer.BeforeSync = value; }

    /// <summary>Segment fsyncs so far, one per batch (and one per open): shows group commit at work.</summary>
    internal long SyncCount => _writer.SyncCount;

    public IRaftGroupStore OpenGroup(uint groupId)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // One lock rather than GetOrAdd's factory, which may run twice and would hand the
        // recovered log to a store that then loses the race.
        lock (_stores)
        {
            if (_stores.TryGetValue(groupId, out var existing)) return existing;
            var log = _recovered.Remove(groupId, out var recoveredLog) ? recoveredLog : new GroupLog(tracksLocations: true);
            var store = new FileGroupStore(groupId, log, _writer, _maxCachedEntryBytes);
            _stores[groupId] = store;
            return store;
        }
    }

    /// <summary>Finishes queued writes (running their callbacks), then closes the log.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _writer.Dispose();
        _lock.Dispose();
    }

    private static void StopProcess(Exception error)
    {
        Console.Error.WriteLine($"storage: the write-ahead log cannot be written, stopping: {error}");
        Environment.FailFast("OrleansKv storage failure: " + error.Message, error);
    }
}

using System.Buffers;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace OrleansKv.Storage.GrainStorage;

/// <summary>
/// The <c>file</c> grain storage provider: any grain's state in one durable, group-committed,
/// log-structured store per provider directory (see <see cref="StateLog"/>).
/// <list type="bullet">
/// <item>Read: the newest durable record is read back with <see cref="RandomAccess.ReadAsync(Microsoft.Win32.SafeHandles.SafeFileHandle, Memory{byte}, long, CancellationToken)"/>,
/// CRC-checked and deserialized; no grain thread waits on the disk.</item>
/// <item>Write and clear: enqueued without blocking; the task completes once the record is fsynced
/// together with everything else queued at that moment by the silo's grains.</item>
/// <item>ETags: a decimal sequence, new on every write. A write or clear must present the ETag of
/// the stored state, or null when there is none; otherwise <see cref="InconsistentStateException"/>
/// and nothing changes. After a write, ETag is the new one and RecordExists is true.</item>
/// <item>Clear follows Orleans's memory provider (and Azure Blob with DeleteStateOnClear): the
/// state is deleted (a tombstone is logged), then ETag is null, RecordExists false and State a
/// new instance; the next write must present a null ETag.</item>
/// </list>
/// Serializers: an <see cref="IGrainStorageStreamingSerializer"/> (Orleans's own, JSON ones) writes
/// straight into pooled chunks, so a large state exists once in memory while it is written; a
/// plain <see cref="IGrainStorageSerializer"/> returns one whole <see cref="BinaryData"/>, which is
/// written without a further copy. Reads hold the whole record once (one pooled array, needed to
/// check its CRC before deserializing).
/// </summary>
public sealed partial class FileGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    private readonly string _name;
    private readonly FileGrainStorageOptions _options;
    private readonly IActivatorProvider _activators;
    private readonly ILogger<FileGrainStorage> _logger;
    private StateLog? _log;

    /// <summary>Creates the provider; it is opened by the silo lifecycle or by <see cref="OpenAsync"/>.</summary>
    public FileGrainStorage(string name, FileGrainStorageOptions options, IActivatorProvider activators, ILogger<FileGrainStorage> logger)
    {
        _name = name;
        _options = options;
        _activators = activators;
        _logger = logger;
    }

    /// <summary>Counters of the underlying log (tests and diagnostics).</summary>
    public StateLogStatistics Statistics => Log.Statistics;

    internal StateLog OpenLog => Log;

    private StateLog Log => _log ?? throw new InvalidOperationException($"file grain storage '{_name}' is not open");

    /// <summary>Opens and recovers the provider's directory (throws <see cref="GrainStorageCorruptionException"/> on damage other than a torn tail).</summary>
    public Task OpenAsync(CancellationToken cancellationToken = default)
    {
        if (_log is not null) return Task.CompletedTask;
        if (string.IsNullOrWhiteSpace(_options.Directory)) throw new InvalidOperationException($"file grain storage '{_name}': Directory is required");
        if (_options.GrainStorageSerializer is null) throw new InvalidOperationException($"file grain storage '{_name}': no serializer");
        // Recovery reads files synchronously: keep it off the caller's thread.
        return Task.Run(() =>
        {
            _log = StateLog.Open(Path.GetFullPath(_options.Directory), _options.SegmentBytes, _options.CompactBelowLiveFraction, _logger);
            LogOpened(_name, _log.Directory, _log.Statistics.IndexEntries, _log.Statistics.Segments);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public void Participate(ISiloLifecycle lifecycle)
        => lifecycle.Subscribe($"{nameof(FileGrainStorage)}-{_name}", _options.InitStage, OpenAsync, async _ => await DisposeAsync());

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        var log = Interlocked.Exchange(ref _log, null);
        if (log is not null) await log.DisposeAsync();
    }

    /// <inheritdoc/>
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var read = await Log.ReadAsync(Key(stateName, grainId)).ConfigureAwait(false);
        if (read is not { } found)
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
            grainState.State = CreateInstance<T>();
            return;
        }
        try
        {
            T? value;
            if (_options.GrainStorageSerializer is IGrainStorageStreamingSerializer streaming)
            {
                using var stream = new MemoryStream(found.Buffer, found.PayloadOffset, found.PayloadLength, writable: false);
                value = await streaming.DeserializeAsync<T>(stream).ConfigureAwait(false);
            }
            else value = _options.GrainStorageSerializer.Deserialize<T>(found.Payload);
            grainState.State = value ?? CreateInstance<T>();
            grainState.ETag = StateLog.FormatETag(found.Sequence);
            grainState.RecordExists = value is not null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(found.Buffer);
        }
    }

    /// <inheritdoc/>
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var log = Log;
        PayloadBuffer payload;
        if (_options.GrainStorageSerializer is IGrainStorageStreamingSerializer streaming)
        {
            payload = new PayloadBuffer();
            try
            {
                await streaming.SerializeAsync(grainState.State, payload).ConfigureAwait(false);
            }
            catch
            {
                await payload.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        else payload = PayloadBuffer.Wrap(_options.GrainStorageSerializer.Serialize(grainState.State).ToMemory());

        Task<ulong> durable;
        try
        {
            if (!log.TryAppend(Key(stateName, grainId), grainState.ETag, payload, out durable, out var current))
                throw Conflict("write", stateName, grainId, grainState.ETag, current);
        }
        catch
        {
            await payload.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var sequence = await durable.ConfigureAwait(false);
        grainState.ETag = StateLog.FormatETag(sequence);
        grainState.RecordExists = true;
    }

    /// <inheritdoc/>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (!Log.TryAppend(Key(stateName, grainId), grainState.ETag, null, out var durable, out var current))
            throw Conflict("clear", stateName, grainId, grainState.ETag, current);
        await durable.ConfigureAwait(false);
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = CreateInstance<T>();
    }

    // The log's key: the state name, length-prefixed so that no two (state name, grain id) pairs collide.
    internal static string Key(string stateName, GrainId grainId) => $"{stateName.Length}:{stateName}{grainId}";

    private InconsistentStateException Conflict(string operation, string stateName, GrainId grainId, string? presented, string? stored)
    {
        LogConflict(_name, operation, stateName, grainId, presented, stored);
        return new InconsistentStateException(
            $"file grain storage '{_name}': {operation} of state '{stateName}' of {grainId} presented ETag '{presented ?? "null"}' but the stored ETag is '{stored ?? "null"}'",
            stored ?? "null", presented ?? "null");
    }

    private T CreateInstance<T>() => _activators.GetActivator<T>().Create();

    [LoggerMessage(Level = LogLevel.Information, Message = "File grain storage {Name} opened {Directory}: {Keys} keys in {Segments} segments")]
    private partial void LogOpened(string name, string directory, int keys, int segments);

    [LoggerMessage(Level = LogLevel.Debug, Message = "File grain storage {Name}: {Operation} of {StateName} of {GrainId} with ETag {Presented} conflicts with {Stored}")]
    private partial void LogConflict(string name, string operation, string stateName, GrainId grainId, string? presented, string? stored);
}

namespace OrleansKv.Storage.GrainStorage;

/// <summary>
/// A record accepted by the log and waiting for the writer: its key, encoded head (header and
/// key), payload, and the task completed once it is durable (or failed with the batch).
/// </summary>
internal sealed class PendingRecord(string key, byte[] head, PayloadBuffer? payload, ulong sequence, bool tombstone)
{
    public string Key { get; } = key;
    public byte[] Head { get; } = head;
    public PayloadBuffer? Payload { get; } = payload;
    public ulong Sequence { get; } = sequence;
    public bool Tombstone { get; } = tombstone;

    public long Length { get; } = head.Length + (payload?.Length ?? 0);

    public TaskCompletionSource<ulong> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

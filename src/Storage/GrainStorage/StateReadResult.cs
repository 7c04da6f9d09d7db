namespace OrleansKv.Storage.GrainStorage;

/// <summary>A record read back: the rented buffer holding it, where its payload lies in the buffer, and its sequence.</summary>
internal readonly record struct StateReadResult(byte[] Buffer, int PayloadOffset, int PayloadLength, ulong Sequence)
{
    public ReadOnlyMemory<byte> Payload => Buffer.AsMemory(PayloadOffset, PayloadLength);
}

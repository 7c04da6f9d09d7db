namespace OrleansKv.Storage.GrainStorage;

/// <summary>A key's newest accepted but not yet durable write: its sequence, whether it leaves a state, and how many writes of the key are in flight.</summary>
internal sealed class PendingKeyState
{
    public ulong Sequence;
    public bool Exists;
    public int InFlight;
}

namespace OrleansKv.Linearizability;

/// <summary>
/// A sequential, in-memory implementation of the store's semantics, following the same conventions as the checker:
/// every applied command takes the next log index, and a write's version is the log index that wrote it.
/// Used to generate histories that are linearizable by construction, and usable as an oracle by simulations.
/// </summary>
public sealed class KvReferenceStore
{
    private readonly Dictionary<string, (string Value, long Version)> _entries = new(StringComparer.Ordinal);

    /// <summary>The log index of the last applied command (0 before any).</summary>
    public long LastIndex { get; private set; }

    public KvOutput Apply(KvCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var index = ++LastIndex;
        var exists = _entries.TryGetValue(command.Key, out var current);
        switch (command.Kind)
        {
            case KvOperationKind.Get:
                return exists ? KvOutput.Found(current.Value, current.Version) : KvOutput.NotFound;

            case KvOperationKind.Put:
                _entries[command.Key] = (command.Value!, index);
                return KvOutput.Written(index);

            case KvOperationKind.Append:
                _entries[command.Key] = (exists ? current.Value + command.Value : command.Value!, index);
                return KvOutput.Written(index);

            case KvOperationKind.Delete:
                _entries.Remove(command.Key);
                return KvOutput.Deleted(exists);

            case KvOperationKind.CompareAndSet:
                var currentVersion = exists ? current.Version : 0;
                if (currentVersion != command.ExpectedVersion)
                {
                    return KvOutput.SwapRejected(currentVersion);
                }

                _entries[command.Key] = (command.Value!, index);
                return KvOutput.Swapped(index);

            default:
                throw new ArgumentOutOfRangeException(nameof(command), command.Kind, "Unknown command kind.");
        }
    }
}

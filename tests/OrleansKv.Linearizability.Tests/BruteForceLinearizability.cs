namespace OrleansKv.Linearizability.Tests;

/// <summary>
/// A deliberately naive reference for small single-key histories, written independently of the checker: it tries
/// every order of the operations that respects real time (each unknown-outcome operation either somewhere in it or
/// not at all), replays the values, and only then asks whether some assignment of versions fits everything seen.
/// </summary>
/// <remarks>
/// Versions are treated the way the checker documents them: every write (Put, Append, successful CompareAndSet,
/// Delete) gets a fresh version greater than all earlier ones; only their order matters, so there is always room
/// for an unreported version between two reported ones. An absent key's version is 0.
/// </remarks>
internal static class BruteForceLinearizability
{
    public static bool IsLinearizable(IReadOnlyList<KvOperation> history)
    {
        var order = new List<KvOperation>();
        var used = new bool[history.Count];
        return Extend(history, used, order);
    }

    private static bool Extend(IReadOnlyList<KvOperation> history, bool[] used, List<KvOperation> order)
    {
        if (Enumerable.Range(0, history.Count).All(i => used[i] || history[i].IsOutcomeUnknown) && Replays(order))
        {
            return true;
        }

        for (var i = 0; i < history.Count; i++)
        {
            // An operation can come next only if every operation that returned before it was called is already placed.
            if (used[i] || Enumerable.Range(0, history.Count).Any(j => !used[j] && history[j].ReturnTime < history[i].CallTime))
            {
                continue;
            }

            used[i] = true;
            order.Add(history[i]);
            var found = Extend(history, used, order);
            order.RemoveAt(order.Count - 1);
            used[i] = false;
            if (found)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether this exact sequence explains every observed output.</summary>
    private static bool Replays(List<KvOperation> order)
    {
        string? value = null;
        var writes = new List<Slot>(); // one per write, in order; the last one holds the current version
        Slot? Current() => value is null ? null : writes[^1];

        foreach (var op in order)
        {
            var output = op.Output;
            var command = op.Command;
            switch (command.Kind)
            {
                case KvOperationKind.Get:
                    if (output.IsUnknown)
                    {
                        break; // it observed nothing
                    }

                    if (output.Outcome == KvOutcome.NotFound)
                    {
                        if (value is not null) return false;
                    }
                    else
                    {
                        if (value != output.Value) return false;
                        if (output.Version is { } read) Current()!.Equal.Add(read);
                    }

                    break;

                case KvOperationKind.Put or KvOperationKind.Append:
                    value = command.Kind == KvOperationKind.Put ? command.Value : value + command.Value;
                    writes.Add(new Slot(output.Version));
                    break;

                case KvOperationKind.Delete:
                    if (output.Outcome == KvOutcome.Deleted && value is null) return false;
                    if (output.Outcome == KvOutcome.DeletedNothing && value is not null) return false;
                    value = null;
                    writes.Add(new Slot(null));
                    break;

                case KvOperationKind.CompareAndSet when output.Outcome == KvOutcome.SwapRejected:
                    var expected = command.ExpectedVersion;
                    if (output.Version is { } reported)
                    {
                        if (reported == expected) return false;
                        if ((reported == 0) != (value is null)) return false;
                        if (reported != 0) Current()!.Equal.Add(reported);
                    }
                    else if (expected == 0)
                    {
                        if (value is null) return false;
                    }
                    else if (value is not null)
                    {
                        Current()!.NotEqual.Add(expected);
                    }

                    break;

                case KvOperationKind.CompareAndSet: // swapped, or an unknown outcome placed here, which then swapped
                    if (command.ExpectedVersion == 0)
                    {
                        if (value is not null) return false;
                    }
                    else
                    {
                        if (value is null) return false;
                        Current()!.Equal.Add(command.ExpectedVersion);
                    }

                    value = command.Value;
                    writes.Add(new Slot(output.Version));
                    break;
            }
        }

        // Each write's version must be consistent with itself, and the pinned ones must increase from write to write.
        long previous = 0;
        foreach (var slot in writes)
        {
            if (slot.Equal.Distinct().Count() > 1) return false;
            if (slot.Equal.Count == 0) continue;
            var version = slot.Equal[0];
            if (version <= previous || slot.NotEqual.Contains(version)) return false;
            previous = version;
        }

        return true;
    }

    private sealed class Slot
    {
        public Slot(long? reported)
        {
            if (reported is { } version) Equal.Add(version);
        }

        public List<long> Equal { get; } = [];

        public List<long> NotEqual { get; } = [];
    }
}

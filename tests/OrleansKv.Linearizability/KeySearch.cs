namespace OrleansKv.Linearizability;

/// <summary>
/// Decides whether the operations on one key are linearizable: a Wing &amp; Gong depth-first search over the
/// time-ordered call/return events, memoising (linearized set, state) pairs, with an explicit stack so that
/// histories of any length are safe.
/// </summary>
/// <remarks>
/// An operation may be linearized next only if it is minimal: its call precedes every return still pending,
/// i.e. it is a call met while scanning the event list before the first remaining return. Reaching a return
/// means that operation had to be linearized already, so the search backtracks. The order candidates are tried in
/// (see <see cref="Phase"/>) does not change the verdict, only how fast a linearization is found.
/// On top of the plain search, choices that provably cannot lead anywhere new are skipped: configurations dominated
/// by a failed one (<see cref="SearchMemo"/>), alternatives to a read that fits (<see cref="Phase.StatePreserving"/>),
/// and unknown-outcome operations that would only repeat an interchangeable one (<see cref="InterchangeableUnknowns"/>,
/// <see cref="UnknownWriteObservers"/>) or be erased unseen (<see cref="OverwritesUnknownOutcome"/>). The tests
/// compare the verdicts with a plain search and with exhaustive enumeration on many random histories.
/// </remarks>
internal sealed class KeySearch
{
    private const int CancellationCheckInterval = 1024;

    // Searches shorter than this ignore the budget, so that cheap keys get a verdict however late they are scheduled.
    private const int IterationsBeforeBudgetApplies = 16 * CancellationCheckInterval;

    private readonly PreparedOperation[] _operations;
    private readonly KvOperation[] _originals;
    private readonly EventList _events;
    private readonly int _completedCount;

    private KeySearch(IReadOnlyList<KvOperation> history, IEnumerable<int> historyIndices)
    {
        // A Get with an unknown outcome observed nothing and changes nothing: it constrains no order.
        var indices = historyIndices
            .Where(i => !(history[i].Kind == KvOperationKind.Get && history[i].IsOutcomeUnknown))
            .OrderBy(i => history[i].CallTime)
            .ThenBy(i => i)
            .ToArray();

        _operations = new PreparedOperation[indices.Length];
        _originals = new KvOperation[indices.Length];
        var callTimes = new long[indices.Length];
        var returnTimes = new long[indices.Length];
        for (var op = 0; op < indices.Length; op++)
        {
            var original = history[indices[op]];
            _originals[op] = original;
            _operations[op] = new PreparedOperation(indices[op], original);
            callTimes[op] = original.CallTime;
            returnTimes[op] = original.ReturnTime;
            if (!original.IsOutcomeUnknown)
            {
                _completedCount++;
            }
        }

        _events = new EventList(callTimes, returnTimes);
    }

    public static KeyCheckResult Check(string key, IReadOnlyList<KvOperation> history, IReadOnlyCollection<int> historyIndices, CancellationToken cancellation)
    {
        var search = new KeySearch(history, historyIndices);
        return search.Run(key, historyIndices.Count, cancellation);
    }

    private KeyCheckResult Run(string key, int operationCount, CancellationToken cancellation)
    {
        var state = KvState.Initial;
        var linearized = new LinearizedSet(_operations);
        var memo = new SearchMemo();
        var stack = new Stack<Frame>();
        var longestPrefix = Array.Empty<int>();
        var completedLeft = _completedCount;
        var interchangeable = new InterchangeableUnknowns(_operations);
        var observers = new UnknownWriteObservers(_operations);

        // The scan: the current event, the phase, and whether it has passed a completed call (see Phase.InCallOrder).
        var entry = _events.First;
        var phase = Phase.StatePreserving;
        var pastCompletedCall = false;
        long iterations = 0;

        while (completedLeft > 0)
        {
            if (++iterations % CancellationCheckInterval == 0
                && iterations >= IterationsBeforeBudgetApplies
                && cancellation.IsCancellationRequested)
            {
                return new KeyCheckResult(key, CheckOutcome.Unknown, operationCount, memo.Count, [], [],
                    $"Key {KvCommand.Quote(key)}: unknown, the time budget ran out after {memo.Count} search states "
                    + $"(deepest linearization reached {Math.Max(longestPrefix.Length, stack.Count)} of {_operations.Length} operations).");
            }

            var exhausted = entry == _events.End
                || !_events.IsCall(entry)
                || (phase == Phase.LeftoverUnknown && !_operations[_events.OperationOf(entry)].IsOutcomeUnknown);
            if (exhausted)
            {
                if (phase != Phase.LeftoverUnknown)
                {
                    phase++;
                    entry = _events.First;
                    pastCompletedCall = false;
                    continue;
                }

                if (stack.Count == 0)
                {
                    return FailureExplainer.Explain(key, operationCount, memo.Count, _operations, _originals, longestPrefix);
                }

                if (stack.Count > longestPrefix.Length)
                {
                    longestPrefix = SnapshotOrder(stack);
                }

                var frame = stack.Pop();
                frame.Visit.Finished = true;
                _events.Unlift(frame.Operation);
                linearized.Remove(frame.Operation);
                interchangeable.Release(frame.Operation);
                observers.OnUndone(frame.Operation);
                state = frame.StateBefore;
                if (!_operations[frame.Operation].IsOutcomeUnknown)
                {
                    completedLeft++;
                }

                // A state-preserving step was the only one worth trying from its configuration; it failed, so that
                // configuration fails too: keep backtracking. Otherwise resume the scan after the undone candidate
                // (in InCallOrder a completed call always precedes it: it is one, or it was a recent unknown one).
                (entry, phase) = frame.Phase == Phase.StatePreserving
                    ? (_events.End, Phase.LeftoverUnknown)
                    : (_events.Next(_events.CallEventOf(frame.Operation)), frame.Phase);
                pastCompletedCall = true;
                continue;
            }

            var operation = _events.OperationOf(entry);
            ref readonly var candidate = ref _operations[operation];
            var eligible = phase switch
            {
                Phase.StatePreserving => candidate.IsReadOnly && !candidate.IsOutcomeUnknown,
                Phase.InCallOrder => !candidate.IsOutcomeUnknown || pastCompletedCall,
                _ => true,
            };
            pastCompletedCall |= !candidate.IsOutcomeUnknown;

            // Unknown-outcome candidates: only the first of a group of interchangeable ones, and none that would
            // overwrite another directly. A write whose text no remaining read observes leaves an unobservable value.
            var unobservable = false;
            if (eligible && candidate.IsOutcomeUnknown)
            {
                unobservable = candidate.WritesText && observers.IsUnobservable(operation);
                eligible = (unobservable ? observers.IsEarliestUnobservableOfItsKind(operation, linearized) : interchangeable.MayTake(operation))
                    && !OverwritesUnknownOutcome(candidate, stack);
            }

            if (eligible && KvModel.TryStep(candidate, state, out var next, unobservable))
            {
                // Phase StatePreserving takes only read-only steps that keep the state; the other phases take every other
                // step (a read-only one that keeps the state was taken already), except unknown-outcome steps that keep
                // the state: those are the same as postponing the operation.
                var preservesState = next.Equals(state);
                var take = phase == Phase.StatePreserving
                    ? preservesState
                    : !(preservesState && (candidate.IsReadOnly || candidate.IsOutcomeUnknown));
                if (take)
                {
                    linearized.Add(operation);
                    if (memo.TryEnter(linearized, next) is { } visit)
                    {
                        stack.Push(new Frame(operation, state, phase, visit));
                        _events.Lift(operation);
                        interchangeable.Take(operation);
                        observers.OnLinearized(operation);
                        state = next;
                        if (!candidate.IsOutcomeUnknown)
                        {
                            completedLeft--;
                        }

                        entry = _events.First;
                        phase = Phase.StatePreserving;
                        pastCompletedCall = false;
                        continue;
                    }

                    linearized.Remove(operation);
                    if (phase == Phase.StatePreserving)
                    {
                        // Already explored from here and failed; by the argument on Phase.StatePreserving, so does this configuration.
                        entry = _events.End;
                        phase = Phase.LeftoverUnknown;
                        continue;
                    }
                }
            }

            entry = _events.Next(entry);
        }

        // Every completed operation is linearized; the unknown-outcome ones left over simply never took effect.
        return new KeyCheckResult(key, CheckOutcome.Ok, operationCount, memo.Count, [], [], null);
    }

    /// <summary>
    /// Whether the candidate, an unknown-outcome Put or Delete, would directly follow another unknown-outcome
    /// operation. It would erase that operation's value, and leave no higher a version floor than taking effect
    /// without it, which the previous configuration also tries: this order can only lead to dominated states.
    /// </summary>
    private bool OverwritesUnknownOutcome(in PreparedOperation candidate, Stack<Frame> stack) =>
        candidate.Kind is KvOperationKind.Put or KvOperationKind.Delete
        && stack.TryPeek(out var top)
        && _operations[top.Operation].IsOutcomeUnknown;

    private static int[] SnapshotOrder(Stack<Frame> stack)
    {
        // Stack enumerates from the top; the linearization order is bottom-up.
        var order = new int[stack.Count];
        var i = order.Length;
        foreach (var frame in stack)
        {
            order[--i] = frame.Operation;
        }

        return order;
    }

    private readonly record struct Frame(int Operation, KvState StateBefore, Phase Phase, SearchMemo.Visit Visit);

    /// <summary>The order in which the candidates of a configuration are tried: one forward scan of them per phase.</summary>
    private enum Phase : byte
    {
        /// <summary>
        /// A completed read-only operation whose step leaves the state unchanged (a read that fits, a rejected
        /// swap, ...) is linearized at once and alone. Any linearization that places it later can move it here: it
        /// is minimal (nothing pending had to precede it), the operations it jumps over see the same state, and
        /// where it used to be it changed at most an unreported version into a reported one, so the operations
        /// after that see a state at least as permissive. So if this choice fails, the whole configuration fails.
        /// (A write that happens to change nothing here, like an acknowledged Delete of an absent key, does not
        /// qualify: later it might not be a no-op.)
        /// </summary>
        StatePreserving,

        /// <summary>
        /// Completed operations that change the state, in call order, together with the unknown-outcome operations
        /// called after the earliest pending completed one: those are as likely as their neighbours to have taken
        /// effect just here, and a read that observes one usually follows soon.
        /// </summary>
        InCallOrder,

        /// <summary>
        /// Unknown-outcome operations called before every pending completed operation: mostly leftovers that never
        /// took effect, which would otherwise be retried first at every dead end. Postponing them is always allowed.
        /// </summary>
        LeftoverUnknown,
    }
}

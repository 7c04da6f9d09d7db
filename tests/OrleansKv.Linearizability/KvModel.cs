namespace OrleansKv.Linearizability;

/// <summary>
/// The sequential specification of one key of the store: whether an operation, with the output it observed,
/// can happen in a given state, and the state after it. Deterministic: every step has at most one successor.
/// </summary>
/// <remarks>
/// An operation with an unknown outcome is stepped as if it succeeded. That it failed or never happened needs no
/// step of its own: having no return event, it can always be linearized after everything else, where it changes
/// nothing that was observed.
/// </remarks>
internal static class KvModel
{
    /// <param name="unobservable">
    /// Write <see cref="KvValue.Unobservable"/> instead of the operation's text: set by the search when no read
    /// still to be linearized could observe that text.
    /// </param>
    public static bool TryStep(in PreparedOperation op, in KvState state, out KvState next, bool unobservable = false)
    {
        next = state;
        switch (op.Kind)
        {
            case KvOperationKind.Get:
                if (op.Outcome == KvOutcome.NotFound)
                {
                    return !state.IsPresent;
                }

                return state.Value is not null
                    && state.Value.Matches(op.Text!, op.TextHash)
                    && TryObserveVersion(state, op.ReportedVersion, out next);

            case KvOperationKind.Put:
                return TryWrite(state.Version, unobservable ? KvValue.Unobservable : op.WholeValue!, op.ReportedVersion, out next);

            case KvOperationKind.Append:
                var appended = unobservable ? KvValue.Unobservable
                    : state.Value is null ? op.WholeValue!
                    : state.Value.Append(op.Text!, op.TextHash, op.TextShift);
                return TryWrite(state.Version, appended, op.ReportedVersion, out next);

            case KvOperationKind.Delete:
                if ((op.Outcome == KvOutcome.Deleted && !state.IsPresent) || (op.Outcome == KvOutcome.DeletedNothing && state.IsPresent))
                {
                    return false;
                }

                // The delete's own version is never reported, but it is above the current one: keep that as the floor.
                next = new KvState(null, state.Version, versionKnown: false);
                return true;

            case KvOperationKind.CompareAndSet:
                if (op.Outcome == KvOutcome.SwapRejected)
                {
                    return TryReject(state, op.ExpectedVersion, op.ReportedVersion, out next);
                }

                if (!CurrentVersionCanBe(state, op.ExpectedVersion))
                {
                    return false;
                }

                // The swap pins the current version to the expected one; the new version must exceed it.
                var floor = op.ExpectedVersion == 0 ? state.Version : op.ExpectedVersion;
                return TryWrite(floor, unobservable ? KvValue.Unobservable : op.WholeValue!, op.ReportedVersion, out next);

            default:
                return false;
        }
    }

    /// <summary>Why <see cref="TryStep"/> rejects the operation in this state, for failure reports; null if it does not.</summary>
    public static string? ExplainRejection(in PreparedOperation op, in KvState state)
    {
        if (TryStep(op, state, out _))
        {
            return null;
        }

        var reported = op.ReportedVersion;
        switch (op.Kind)
        {
            case KvOperationKind.Get when op.Outcome == KvOutcome.NotFound:
                return $"it read the key as absent, but the key holds {state}";
            case KvOperationKind.Get when state.Value is null || !state.Value.Matches(op.Text!, op.TextHash):
                return $"it read {KvCommand.Quote(op.Text)}, but the key holds {state}";
            case KvOperationKind.Get:
                return $"it read version v{reported}, but the key holds {state}";
            case KvOperationKind.Put or KvOperationKind.Append:
                return $"the store assigned it version v{reported}, which is not greater than the key's version (key holds {state})";
            case KvOperationKind.Delete:
                return op.Outcome == KvOutcome.Deleted
                    ? "it reported that the key existed, but the key is absent"
                    : $"it reported that the key did not exist, but the key holds {state}";
            case KvOperationKind.CompareAndSet when op.Outcome == KvOutcome.SwapRejected:
                return reported == PreparedOperation.NotReported || reported != op.ExpectedVersion
                    ? $"it was rejected expecting v{op.ExpectedVersion}{(reported == PreparedOperation.NotReported ? "" : $" and reporting current v{reported}")}, but the key holds {state}"
                    : $"it was rejected although the current version it reported (v{reported}) equals the expected one";
            case KvOperationKind.CompareAndSet when !CurrentVersionCanBe(state, op.ExpectedVersion):
                return op.ExpectedVersion == 0
                    ? $"it swapped as create-if-absent, but the key holds {state}"
                    : $"it swapped expecting v{op.ExpectedVersion}, but the key holds {state}";
            case KvOperationKind.CompareAndSet:
                return $"the store assigned it version v{reported}, which is not greater than the version it replaced (key holds {state})";
            default:
                return "the model does not know this operation";
        }
    }

    private static bool TryWrite(long floor, KvValue value, long reportedVersion, out KvState next)
    {
        if (reportedVersion == PreparedOperation.NotReported)
        {
            // The new version is unknown but above the floor: a wildcard for later reads to pin down.
            next = new KvState(value, floor, versionKnown: false);
            return true;
        }

        next = new KvState(value, reportedVersion, versionKnown: true);
        return reportedVersion > floor;
    }

    private static bool TryObserveVersion(in KvState state, long observedVersion, out KvState next)
    {
        next = state;
        if (observedVersion == PreparedOperation.NotReported)
        {
            return true;
        }

        if (state.VersionKnown)
        {
            return state.Version == observedVersion;
        }

        next = new KvState(state.Value, observedVersion, versionKnown: true);
        return observedVersion > state.Version && !VersionExclusions.Contains(state.Excluded, observedVersion);
    }

    /// <summary>Whether the key's current version can equal <paramref name="expected"/> (0 = absent), wildcards included.</summary>
    private static bool CurrentVersionCanBe(in KvState state, long expected)
    {
        if (expected == 0)
        {
            return !state.IsPresent;
        }

        return state.IsPresent && (state.VersionKnown
            ? state.Version == expected
            : expected > state.Version && !VersionExclusions.Contains(state.Excluded, expected));
    }

    private static bool TryReject(in KvState state, long expected, long reportedCurrent, out KvState next)
    {
        next = state;
        if (reportedCurrent == PreparedOperation.NotReported)
        {
            // Rejection needs a current version different from the expected one; a wildcard remembers that it is not.
            if (expected == 0 || !state.IsPresent || state.VersionKnown)
            {
                return expected == 0 ? state.IsPresent : !(state.IsPresent && state.Version == expected);
            }

            if (expected > state.Version && !VersionExclusions.Contains(state.Excluded, expected))
            {
                next = new KvState(state.Value, state.Version, versionKnown: false, VersionExclusions.With(state.Excluded, expected));
            }

            return true;
        }

        if (reportedCurrent == expected)
        {
            return false;
        }

        return reportedCurrent == 0 ? !state.IsPresent : state.IsPresent && TryObserveVersion(state, reportedCurrent, out next);
    }
}

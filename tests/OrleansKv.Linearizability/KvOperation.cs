namespace OrleansKv.Linearizability;

/// <summary>
/// One operation of a history: who called what, when it was called, when it returned and what it returned.
/// Times are ticks of any monotonic clock shared by all clients of the history.
/// </summary>
/// <remarks>
/// An operation whose outcome is unknown (timed out, client crashed) has <see cref="ReturnTime"/> =
/// <see cref="NeverReturned"/> and output <see cref="KvOutput.Unknown"/>: it may take effect at any point after its
/// call, or never. Operations A and B are ordered (A before B) only when A's return time is strictly less than B's
/// call time; equal timestamps count as concurrent.
/// </remarks>
public sealed class KvOperation
{
    /// <summary>The return time of an operation whose outcome is unknown: +infinity.</summary>
    public const long NeverReturned = long.MaxValue;

    public KvOperation(int clientId, KvCommand command, long callTime, long returnTime, KvOutput output)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!output.FitsCommand(command.Kind))
        {
            throw new ArgumentException($"Output '{output}' is not a possible answer to {command}.", nameof(output));
        }

        if (output.IsUnknown != (returnTime == NeverReturned))
        {
            throw new ArgumentException(
                "An operation has an unknown output exactly when it never returned (return time NeverReturned).", nameof(returnTime));
        }

        if (returnTime < callTime)
        {
            throw new ArgumentException($"Return time {returnTime} precedes call time {callTime}.", nameof(returnTime));
        }

        ClientId = clientId;
        Command = command;
        CallTime = callTime;
        ReturnTime = returnTime;
        Output = output;
    }

    public int ClientId { get; }

    public KvCommand Command { get; }

    public long CallTime { get; }

    /// <summary>When the answer arrived, or <see cref="NeverReturned"/> if the outcome is unknown.</summary>
    public long ReturnTime { get; }

    public KvOutput Output { get; }

    public string Key => Command.Key;

    public KvOperationKind Kind => Command.Kind;

    public bool IsOutcomeUnknown => Output.IsUnknown;

    /// <summary>An operation that completed with an observed output.</summary>
    public static KvOperation Completed(int clientId, KvCommand command, long callTime, long returnTime, KvOutput output) =>
        new(clientId, command, callTime, returnTime, output);

    /// <summary>An operation whose outcome the client never learned: it may or may not take effect, any time after the call.</summary>
    public static KvOperation OutcomeUnknown(int clientId, KvCommand command, long callTime) =>
        new(clientId, command, callTime, NeverReturned, KvOutput.Unknown);

    public override string ToString()
    {
        var returned = ReturnTime == NeverReturned ? "never returned" : $"return {ReturnTime}";
        return $"client {ClientId}: {Command} -> {Output} [call {CallTime}, {returned}]";
    }
}

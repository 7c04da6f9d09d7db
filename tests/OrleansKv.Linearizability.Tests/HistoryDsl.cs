namespace OrleansKv.Linearizability.Tests;

/// <summary>Terse constructors for hand-built histories, and assertions that print the checker's explanation on failure.</summary>
internal static class HistoryDsl
{
    public static KvOperation Op(int client, long call, long ret, KvCommand command, KvOutput output) =>
        KvOperation.Completed(client, command, call, ret, output);

    /// <summary>An operation whose client never learned the outcome.</summary>
    public static KvOperation Lost(int client, long call, KvCommand command) => KvOperation.OutcomeUnknown(client, command, call);

    public static KvCommand Get(string key = "k") => KvCommand.Get(key);

    public static KvCommand Put(string value, string key = "k") => KvCommand.Put(key, value);

    public static KvCommand Append(string suffix, string key = "k") => KvCommand.Append(key, suffix);

    public static KvCommand Delete(string key = "k") => KvCommand.Delete(key);

    public static KvCommand Cas(long expectedVersion, string newValue, string key = "k") => KvCommand.CompareAndSet(key, expectedVersion, newValue);

    public static KvOutput Found(string value, long? version = null) => KvOutput.Found(value, version);

    public static KvOutput Written(long? version = null) => KvOutput.Written(version);

    public static CheckResult Check(params KvOperation[] history) => LinearizabilityChecker.Check(history);

    public static void AssertLinearizable(params KvOperation[] history)
    {
        var result = Check(history);
        Assert.True(result.Outcome == CheckOutcome.Ok, result.Describe());
    }

    public static CheckResult AssertIllegal(params KvOperation[] history)
    {
        var result = Check(history);
        Assert.True(result.Outcome == CheckOutcome.Illegal, $"Expected Illegal. {result.Describe()}");
        return result;
    }
}

namespace OrleansKv.Clustering.Tests;

/// <summary>Answers <see cref="IEchoGrain"/> calls; no state.</summary>
public sealed class EchoGrain : Grain, IEchoGrain
{
    /// <inheritdoc />
    public Task<string> Echo(string text) => Task.FromResult($"{text} from {RuntimeIdentity}");
}

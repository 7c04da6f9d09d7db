namespace OrleansKv.Clustering.Tests;

/// <summary>The smoke test's grain: proves a client call reached a silo and came back.</summary>
public interface IEchoGrain : IGrainWithStringKey
{
    /// <summary>Returns <paramref name="text"/> with the name of the silo that answered.</summary>
    Task<string> Echo(string text);
}

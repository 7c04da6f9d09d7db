namespace OrleansKv.Simulation;

public sealed class DeterminismTests
{
    [Theory]
    [InlineData(7, 5)]
    [InlineData(12, 3)]
    public void SameSeedReplaysTheSameRun(int seed, int nodes)
    {
        var first = Simulation.Run(seed, nodes);
        var second = Simulation.Run(seed, nodes);

        Assert.True(first.Passed, first.ToString());
        Assert.Equal(first.TraceHash, second.TraceHash);
        Assert.Equal(first.Stats.ToString(), second.Stats.ToString());
        Assert.Equal(first.SimulatedMillis, second.SimulatedMillis);
        Assert.Equal(first.HistoryLength, second.HistoryLength);
    }

    [Fact]
    public void DifferentSeedsTakeDifferentPaths()
    {
        Assert.NotEqual(Simulation.Run(20, 3).TraceHash, Simulation.Run(22, 3).TraceHash);
    }
}

namespace OrleansKv.Simulation;

public sealed class NoFaultTests
{
    [Theory]
    [InlineData(3, 3)]
    [InlineData(4, 5)]
    public void WithoutFaultsEveryOperationCommitsAndIsAcknowledged(int seed, int nodes)
    {
        var options = SimulationOptions.ForSeed(seed, nodes) with { Faults = false };
        var result = new Simulation(options).Run();

        Assert.True(result.Passed, result.ToString());
        var stats = result.Stats;
        Assert.True(stats.OperationsInvoked > 100, $"only {stats.OperationsInvoked} operations");
        Assert.Equal(stats.OperationsInvoked, stats.OperationsAcknowledged);
        Assert.Equal(0, stats.OperationsAbandoned);
        Assert.Equal(0, stats.Crashes);
        Assert.Equal(0, stats.MessagesDropped);
        Assert.Equal(1, stats.LeaderChanges);
        Assert.Equal(OrleansKv.Linearizability.CheckOutcome.Ok, result.Linearizability);
    }
}

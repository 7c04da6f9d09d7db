using Orleans.Runtime;
using Orleans.TestingHost;
using OrleansKv.Storage.GrainStorage;

namespace OrleansKv.Storage.Tests.GrainStorage;

/// <summary>A grain that keeps a counter in the <c>file</c> provider through Orleans's ordinary persistent state.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Add(int amount);
    Task<int> Get();
    Task<string?> ETag();
    Task Clear();
}

/// <inheritdoc cref="ICounterGrain"/>
public sealed class CounterGrain([PersistentState("state", "file")] IPersistentState<TestState> state) : Grain, ICounterGrain
{
    public async Task<int> Add(int amount)
    {
        state.State.Value += amount;
        await state.WriteStateAsync();
        return state.State!.Value;
    }

    public Task<int> Get() => Task.FromResult(state.State.Value);

    public Task<string?> ETag() => Task.FromResult(state.Etag);

    public Task Clear() => state.ClearStateAsync();
}

public sealed class FileGrainStorageClusterTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private InProcessTestCluster Build()
    {
        var builder = new InProcessTestClusterBuilder(1);
        var directory = _dir.Path;
        builder.ConfigureSilo((_, silo) => silo.AddFileGrainStorage("file", options => options.Directory = directory));
        return builder.Build();
    }

    [Fact]
    public async Task A_grain_with_persistent_state_in_the_file_provider_keeps_it_across_deactivation_and_a_silo_restart()
    {
        string? etag;
        await using (var cluster = Build())
        {
            await cluster.DeployAsync();
            var counter = cluster.Client.GetGrain<ICounterGrain>("c1");
            await counter.Add(5);
            Assert.Equal(12, await counter.Add(7));
            etag = await counter.ETag();

            await cluster.DeactivateAsync(counter);
            Assert.Equal(12, await counter.Get());
            Assert.Equal(etag, await counter.ETag());

            var cleared = cluster.Client.GetGrain<ICounterGrain>("c2");
            await cleared.Add(1);
            await cleared.Clear();
            await cluster.StopAllSilosAsync();
        }

        await using (var cluster = Build())
        {
            await cluster.DeployAsync();
            var counter = cluster.Client.GetGrain<ICounterGrain>("c1");
            Assert.Equal(12, await counter.Get());
            Assert.Equal(etag, await counter.ETag());
            Assert.Equal(13, await counter.Add(1));
            Assert.Equal(0, await cluster.Client.GetGrain<ICounterGrain>("c2").Get());
        }
    }
}

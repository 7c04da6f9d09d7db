namespace OrleansKv.Integration;

/// <summary>Writes, kills every silo at once, restarts them all, and checks every acknowledged write is there with its version.</summary>
internal static class FullRestartCheck
{
    public static async Task KeepsEveryAcknowledgedWriteAsync(TestCluster cluster)
    {
        var keys = Keys.SpreadOverGroups("durable", groups: 2, perGroup: 50);
        var versions = new Dictionary<string, ulong>();
        await using (var client = await cluster.ConnectAsync())
        {
            await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (key, _) =>
            {
                var version = await client.PutAsync(Keys.Utf8(key), Keys.Utf8("value-of-" + key));
                lock (versions) versions[key] = version;
            });
        }

        foreach (var silo in cluster.Silos) silo.Kill();
        foreach (var silo in cluster.Silos) cluster.Start(silo);
        await cluster.WaitReadyAsync(TimeSpan.FromSeconds(60));

        await using var reader = await cluster.ConnectAsync();
        foreach (var key in keys)
        {
            var entry = await reader.GetAsync(Keys.Utf8(key));
            Assert.NotNull(entry);
            Assert.Equal("value-of-" + key, Keys.Text(entry.Value));
            Assert.Equal(versions[key], entry.Version);
        }
    }
}

using OrleansKv.Raft;

namespace OrleansKv.Raft.Tests;

/// <summary>The chunked deque behind a group's in-memory log behaves like a list that only loses prefixes and suffixes.</summary>
public sealed class EntryChunksTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_random_mix_of_appends_and_prefix_and_suffix_removals_matches_a_list(int seed)
    {
        var random = new Random(seed);
        var chunks = new EntryChunks();
        var model = new List<Entry>();
        ulong next = 1;
        for (var step = 0; step < 3_000; step++)
        {
            switch (random.Next(10))
            {
                case < 6: // appends, sometimes across several chunks
                    for (var n = random.Next(1, 700); n > 0; n--)
                    {
                        var entry = new Entry(next, 1, EntryType.Normal, [(byte)next]);
                        next++;
                        chunks.Add(entry);
                        model.Add(entry);
                    }
                    break;
                case < 8:
                    var prefix = random.Next(model.Count + 1);
                    chunks.RemoveFirst(prefix);
                    model.RemoveRange(0, prefix);
                    break;
                case < 9:
                    var suffix = random.Next(model.Count + 1);
                    chunks.RemoveLast(suffix);
                    model.RemoveRange(model.Count - suffix, suffix);
                    break;
                default:
                    if (model.Count == 0) break;
                    var slot = random.Next(model.Count);
                    var replaced = model[slot] with { Data = [] };
                    chunks[slot] = replaced;
                    model[slot] = replaced;
                    break;
            }
            Assert.Equal(model.Count, chunks.Count);
            if (model.Count > 0)
            {
                Assert.Equal(model[0], chunks[0]);
                Assert.Equal(model[^1], chunks[model.Count - 1]);
                var probe = random.Next(model.Count);
                Assert.Equal(model[probe], chunks[probe]);
            }
        }
        for (var i = 0; i < model.Count; i++) Assert.Equal(model[i], chunks[i]);
    }

    [Fact]
    public void Reading_outside_the_entries_is_an_error_not_a_stale_slot()
    {
        var chunks = new EntryChunks();
        chunks.Add(new Entry(1, 1, EntryType.Normal, []));
        chunks.Add(new Entry(2, 1, EntryType.Normal, []));
        chunks.RemoveLast(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => chunks[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => chunks[-1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => chunks.RemoveFirst(2));
    }
}

using System.Text;
using Google.Protobuf;
using OrleansKv.Client;
using OrleansKv.Contracts;

namespace OrleansKv.Grains.Tests;

/// <summary>
/// Requests that reach a replica together, in one <see cref="IRaftPeerGrain.ExecuteBatch"/> call
/// (the client coalesces concurrent callers): each gets its own answer, in order.
/// </summary>
public sealed class BatchedRequestTests
{
    private const ulong ClientId = 4242;

    [Fact]
    public async Task A_batch_at_the_leader_answers_every_request_in_order_as_if_sent_alone()
    {
        await using var cluster = await ReplicaCluster.StartAsync();
        var leader = await cluster.LeaderOfAsync(1);
        var key = ReplicaCluster.KeyOfGroup(cluster, 1, "batched");
        var missing = ReplicaCluster.KeyOfGroup(cluster, 1, "never-written");

        var answers = await cluster.Peer(1, leader).ExecuteBatch(
        [
            Write(1, KvOperation.Put, key, "first"),
            Write(2, KvOperation.Put, key, "second", new Condition { Kind = ConditionKind.MustNotExist }),
            Read(missing),
            Write(3, KvOperation.Append, key, "+more"),
            new KvRequest { Group = 1, Operation = KvOperation.Unspecified, Key = ByteString.CopyFromUtf8(key) },
        ]);

        Assert.Equal(5, answers.Length);
        Assert.Equal(KvStatus.Ok, answers[0].Status);
        Assert.Equal(KvStatus.ConditionFailed, answers[1].Status);
        Assert.Equal(answers[0].Version, answers[1].Version); // the failed compare names the current version
        Assert.Equal(KvStatus.NotFound, answers[2].Status);
        Assert.Equal(KvStatus.Ok, answers[3].Status);
        Assert.True(answers[3].Version > answers[0].Version);
        Assert.Equal(KvStatus.BadRequest, answers[4].Status);

        var read = await cluster.Peer(1, leader).Execute(Read(key));
        Assert.Equal("first+more", read.Value.ToStringUtf8());
        Assert.Equal(answers[3].Version, read.Version);
    }

    [Fact]
    public async Task A_batch_at_a_follower_is_refused_with_the_leaders_name_for_every_request()
    {
        await using var cluster = await ReplicaCluster.StartAsync();
        var leader = await cluster.LeaderOfAsync(1);
        var follower = ReplicaCluster.Replicas.First(r => r != leader);
        var key = ReplicaCluster.KeyOfGroup(cluster, 1, "refused");

        var answers = await cluster.Peer(1, follower).ExecuteBatch([Write(1, KvOperation.Put, key, "x"), Read(key)]);

        Assert.All(answers, answer =>
        {
            Assert.Equal(KvStatus.NotLeader, answer.Status);
            Assert.Equal(leader, answer.LeaderName);
        });
        // Nothing was applied: the leader has never seen the key.
        Assert.Equal(KvStatus.NotFound, (await cluster.Peer(1, leader).Execute(Read(key))).Status);
    }

    [Fact]
    public async Task Many_concurrent_callers_on_one_client_each_get_their_own_answer()
    {
        await using var cluster = await ReplicaCluster.StartAsync();
        await cluster.LeaderOfAsync(1);
        await cluster.LeaderOfAsync(2);

        // 200 callers at once over both groups: the client sends them in batches.
        var keys = Enumerable.Range(0, 200).Select(i => $"concurrent-{i}").ToArray();
        var versions = await Task.WhenAll(keys.Select(key => cluster.Client.PutAsync(Utf8(key), Utf8("value-of-" + key))));
        // Within a group every write got its own log index (versions are per group).
        foreach (var group in keys.Select((key, i) => (Group: cluster.GroupOf(key), Version: versions[i])).GroupBy(x => x.Group))
            Assert.Equal(group.Count(), group.Select(x => x.Version).Distinct().Count());

        var entries = await Task.WhenAll(keys.Select(key => cluster.Client.GetAsync(Utf8(key))));
        for (var i = 0; i < keys.Length; i++)
        {
            Assert.NotNull(entries[i]);
            Assert.Equal("value-of-" + keys[i], Encoding.UTF8.GetString(entries[i]!.Value.Span));
            Assert.Equal(versions[i], entries[i]!.Version);
        }
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static KvRequest Write(ulong sequence, KvOperation operation, string key, string value, Condition? condition = null) => new()
    {
        Group = 1,
        ClientId = ClientId,
        Sequence = sequence,
        OpensSession = true,
        Operation = operation,
        Key = ByteString.CopyFromUtf8(key),
        Value = ByteString.CopyFromUtf8(value),
        Condition = condition,
    };

    private static KvRequest Read(string key) => new() { Group = 1, Operation = KvOperation.Get, Key = ByteString.CopyFromUtf8(key) };
}

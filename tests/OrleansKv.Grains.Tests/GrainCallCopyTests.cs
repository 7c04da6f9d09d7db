using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;
using OrleansKv.Contracts;
using OrleansKv.Grains.Serialization;
using OrleansKv.Raft;

namespace OrleansKv.Grains.Tests;

/// <summary>
/// What Orleans's copier does with the values our grain calls carry. A call within a silo (the
/// gateway's own calls to a local leader) is copied, not serialized: the types a sender never
/// changes once sent are shared instead, arrays included.
/// </summary>
public sealed class GrainCallCopyTests
{
    private static readonly IServiceProvider Services = new ServiceCollection()
        .AddSerializer(builder => builder.AddAssembly(typeof(RaftMessageConverter).Assembly))
        .BuildServiceProvider();

    [Fact]
    public void The_arrays_of_Deliver_and_ExecuteBatch_are_shared_by_a_local_call_not_copied()
    {
        var messages = new[] { new Message { Type = MessageType.AppendEntries, From = 1, To = 2, Entries = [new Entry(1, 1, EntryType.Normal, [1, 2])] } };
        var requests = new[] { new KvRequest { Operation = KvOperation.Get } };
        var responses = new[] { new KvResponse { Status = KvStatus.Ok, Version = 3 } };

        Assert.Same(messages, Services.GetRequiredService<DeepCopier<Message[]>>().Copy(messages));
        Assert.Same(requests, Services.GetRequiredService<DeepCopier<KvRequest[]>>().Copy(requests));
        Assert.Same(responses, Services.GetRequiredService<DeepCopier<KvResponse[]>>().Copy(responses));
    }

    [Fact]
    public void Arrays_of_other_types_are_still_copied()
    {
        var values = new[] { new byte[] { 1 } };
        var copy = Services.GetRequiredService<DeepCopier<byte[][]>>().Copy(values);
        Assert.NotSame(values, copy);
        Assert.Equal(values, copy);
    }
}

using OrleansKv.Raft;
using OrleansKv.Replica;

namespace OrleansKv.Replica.Tests;

/// <summary>
/// The replica logic and the Raft core stay free of Orleans, so the deterministic simulation
/// drives exactly the code a silo runs, with nothing of Orleans's scheduler in the way.
/// </summary>
public sealed class DependencyTests
{
    [Fact]
    public void The_replica_logic_and_the_KV_state_machine_reference_no_Orleans_assembly_directly_or_through_their_dependencies()
    {
        var seen = new HashSet<string>();
        var pending = new Queue<System.Reflection.Assembly>([typeof(RaftPeer).Assembly]);
        while (pending.TryDequeue(out var assembly))
        {
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                var name = reference.Name!;
                Assert.False(name.StartsWith("Orleans.", StringComparison.Ordinal) || name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
                    $"{assembly.GetName().Name} references {name}");
                // Follow the project's own assemblies; the framework and protobuf are not Orleans.
                if (name.StartsWith("OrleansKv.", StringComparison.Ordinal) && seen.Add(name)) pending.Enqueue(System.Reflection.Assembly.Load(reference));
            }
        }
        Assert.Contains("OrleansKv.Raft", seen);
        Assert.Contains("OrleansKv.Contracts", seen);
    }

    [Fact]
    public void The_Raft_core_references_nothing_but_the_runtime()
    {
        var references = typeof(RaftNode).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.All(references, name => Assert.True(name.StartsWith("System", StringComparison.Ordinal) || name == "netstandard",
            $"the Raft core references {name}"));
    }
}

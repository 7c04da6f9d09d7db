using OrleansKv.Replica;
using OrleansKv.Replica.Hosting;
using OrleansKv.Replica.Storage;
using OrleansKv.Raft;

namespace OrleansKv.Simulation.Grains;

/// <summary>
/// One simulated silo hosting one peer grain. It is the grain's runtime: its mailbox is the
/// simulation's event queue (one event is one turn), its clock the simulated one (skewed per silo,
/// because real silos' clocks disagree), and its grain calls go through the simulated network.
/// A crash drops the activation and everything it had scheduled; a restart activates a new grain
/// over what the storage provider recovered.
/// </summary>
internal sealed class SimPeer : IPeerHost, IRaftTransport
{
    private readonly GrainSimulation _sim;

    public SimPeer(GrainSimulation sim, ulong id, SimGrainStateStore disk, long clockSkewMillis)
    {
        _sim = sim;
        Id = id;
        Disk = disk;
        ClockSkewMillis = clockSkewMillis;
    }

    public ulong Id { get; }
    public SimGrainStateStore Disk { get; private set; }
    public IRaftGroupStore Store => Disk.Store;
    public RaftPeer? Grain { get; private set; }
    public int Incarnation { get; private set; }
    public long ClockSkewMillis { get; }
    public bool IsUp => Grain is not null;

    /// <summary>The applied index last seen by the invariant checks (reset on restart: the state machine is rebuilt).</summary>
    public ulong LastCheckedApplied { get; set; }

    public void Activate(PeerOptions options)
    {
        Grain = new RaftPeer(options, Store, this, this, new Random(_sim.Rng.Next()));
        LastCheckedApplied = 0;
        var incarnation = Incarnation;
        // The grain timer: one tick per TickMillis, first one after a random phase.
        _sim.Queue.After(1 + _sim.Rng.Next((int)_sim.Options.TickMillis), Tick);

        void Tick()
        {
            if (incarnation != Incarnation || Grain is null) return;
            Grain.OnTick();
            _sim.Queue.After(_sim.Options.TickMillis, Tick);
        }
    }

    /// <summary>The process dies: the activation, its pending turns and its unsynced writes are gone.</summary>
    public void Crash()
    {
        Incarnation++;
        Grain = null;
        Disk = Disk.Recover();
    }

    // A turn the grain posts to itself (a storage completion) runs later in the same simulated
    // millisecond, unless the silo crashed meanwhile.
    public void Post(Action work)
    {
        var incarnation = Incarnation;
        _sim.Queue.After(0, () => { if (incarnation == Incarnation && Grain is not null) work(); });
    }

    // Offloaded work runs at once (deterministically); its continuation is a later turn like a storage completion.
    public void Offload<T>(Func<T> work, Action<T> then)
    {
        var result = work();
        Post(() => then(result));
    }

    public long UtcNowMilliseconds => 1_700_000_000_000 + _sim.Queue.Now + ClockSkewMillis;

    // Each message of a batch travels (and is delayed, lost or duplicated) on its own.
    public void Send(uint group, IReadOnlyList<Message> messages)
    {
        foreach (var message in messages) _sim.Network.SendRaft(message);
    }
}

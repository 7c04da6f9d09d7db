using OrleansKv.Replica.Storage;

namespace OrleansKv.Simulation.Grains;

/// <summary>A simulated silo's durable storage for its replica: the store the peer writes through, and what survives a crash.</summary>
internal interface ISimStore
{
    /// <summary>The store the peer reads and writes.</summary>
    IRaftGroupStore Store { get; }

    /// <summary>Writes accepted but not yet durable.</summary>
    int WritesInFlight { get; }

    /// <summary>The process died: everything not yet durable is gone. Returns what a restarted silo opens.</summary>
    ISimStore Recover();
}

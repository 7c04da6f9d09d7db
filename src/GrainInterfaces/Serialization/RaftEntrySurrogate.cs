using OrleansKv.Raft;

namespace OrleansKv.Grains.Serialization;

/// <summary>How a Raft log <see cref="Entry"/> travels in a grain call.</summary>
[GenerateSerializer]
public struct RaftEntrySurrogate
{
    [Id(0)] public ulong Index;
    [Id(1)] public ulong Term;
    [Id(2)] public byte Type; // the EntryType as its byte: no boxing through an untyped enum codec
    [Id(3)] public byte[] Data;
}

/// <summary>Converts a Raft <see cref="Entry"/> to and from its surrogate.</summary>
[RegisterConverter]
public sealed class RaftEntryConverter : IConverter<Entry, RaftEntrySurrogate>
{
    public Entry ConvertFromSurrogate(in RaftEntrySurrogate surrogate) => new(surrogate.Index, surrogate.Term, (EntryType)surrogate.Type, surrogate.Data ?? []);

    public RaftEntrySurrogate ConvertToSurrogate(in Entry value) => new() { Index = value.Index, Term = value.Term, Type = (byte)value.Type, Data = value.Data };
}

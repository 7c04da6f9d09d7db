namespace OrleansKv.Storage.RaftState;

/// <summary>A replica's stored Raft state cannot be decoded: the replica refuses to start rather than guess.</summary>
public sealed class RaftStateCorruptException(string message) : Exception(message);

using OrleansKv.Contracts;

namespace OrleansKv.Replica;

/// <summary>A client request a peer grain has accepted, with the way to answer it and the tick by which it must be answered.</summary>
internal readonly record struct ClientCall(KvRequest Request, Action<KvResponse> Reply, long Deadline);

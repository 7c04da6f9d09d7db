using System.Text;

namespace OrleansKv.Replica.Kv;

/// <summary>
/// A deterministic hash of a <see cref="KvState"/>: FNV-1a over the fields in a canonical order
/// (keys sorted bytewise, sessions by client id, answers by sequence), so replicas whose
/// dictionaries were filled in different orders still agree. Costs a sort: for checks, not hot paths.
/// </summary>
internal static class KvStateDigest
{
    public static ulong Compute(KvState state)
    {
        var hash = new Fnv1a64();
        hash.Add(state.AppliedIndex);
        hash.Add(state.ClockMs);
        hash.Add(state.LastSweepMs);

        var keys = new byte[state.Data.Count][];
        state.Data.Keys.CopyTo(keys, 0);
        Array.Sort(keys, static (a, b) => a.AsSpan().SequenceCompareTo(b));
        hash.Add((ulong)keys.Length);
        foreach (var key in keys)
        {
            var stored = state.Data[key];
            hash.AddSized(key);
            hash.AddSized(stored.Value);
            hash.Add(stored.Version);
        }

        var clientIds = new ulong[state.Sessions.Count];
        state.Sessions.Keys.CopyTo(clientIds, 0);
        Array.Sort(clientIds);
        hash.Add((ulong)clientIds.Length);
        foreach (var clientId in clientIds)
        {
            var session = state.Sessions[clientId];
            hash.Add(clientId);
            hash.Add(session.Horizon);
            hash.Add(session.LastActiveMs);
            var sequences = session.SortedSequences();
            hash.Add((ulong)sequences.Length);
            foreach (var sequence in sequences)
            {
                session.TryGetAnswer(sequence, out var answer);
                hash.Add(sequence);
                hash.Add((ulong)answer.Status);
                hash.Add(answer.Version);
                hash.Add(answer.Existed ? 1UL : 0UL);
                hash.AddSized(Encoding.UTF8.GetBytes(answer.Message));
            }
        }
        return hash.Value;
    }
}

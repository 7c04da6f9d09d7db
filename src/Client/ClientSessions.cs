namespace OrleansKv.Client;

/// <summary>This client's exactly-once session with each group, created on first use.</summary>
internal sealed class ClientSessions
{
    private readonly Dictionary<uint, GroupSession> _sessions = [];

    public GroupSession Of(uint group)
    {
        lock (_sessions)
        {
            if (!_sessions.TryGetValue(group, out var session)) _sessions[group] = session = new GroupSession();
            return session;
        }
    }
}

using System.Text;
using OrleansKv.Linearizability;

namespace OrleansKv.Simulation;

/// <summary>
/// A client command as it travels through the Raft log: the client's session id and sequence number
/// (for exactly-once), and the KV operation. A retry carries the same (client, sequence).
/// </summary>
public sealed record SessionCommand(int ClientId, ulong Sequence, KvCommand Command)
{
    public byte[] Encode()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(ClientId);
            writer.Write(Sequence);
            writer.Write((byte)Command.Kind);
            writer.Write(Command.Key);
            writer.Write(Command.Value is not null);
            if (Command.Value is not null) writer.Write(Command.Value);
            writer.Write(Command.ExpectedVersion);
        }
        return stream.ToArray();
    }

    public static SessionCommand Decode(byte[] data)
    {
        using var reader = new BinaryReader(new MemoryStream(data, writable: false), Encoding.UTF8);
        var clientId = reader.ReadInt32();
        var sequence = reader.ReadUInt64();
        var kind = (KvOperationKind)reader.ReadByte();
        var key = reader.ReadString();
        var value = reader.ReadBoolean() ? reader.ReadString() : null;
        var expected = reader.ReadInt64();
        var command = kind switch
        {
            KvOperationKind.Get => KvCommand.Get(key),
            KvOperationKind.Put => KvCommand.Put(key, value!),
            KvOperationKind.Append => KvCommand.Append(key, value!),
            KvOperationKind.Delete => KvCommand.Delete(key),
            KvOperationKind.CompareAndSet => KvCommand.CompareAndSet(key, expected, value!),
            _ => throw new FormatException($"unknown command kind {kind}"),
        };
        return new SessionCommand(clientId, sequence, command);
    }

    public override string ToString() => $"c{ClientId}#{Sequence} {Command}";
}

namespace OrleansKv.Storage.GrainStorage;

/// <summary>A decoded record header: its CRC, kind, sequence, key length and whole length in bytes.</summary>
internal readonly record struct RecordHeader(uint Crc, byte Kind, ulong Sequence, int KeyLength, long RecordLength)
{
    public long PayloadLength => RecordLength - StateRecordFormat.RecordHeaderSize - KeyLength;
}

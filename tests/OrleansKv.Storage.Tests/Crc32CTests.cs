namespace OrleansKv.Storage.Tests;

public sealed class Crc32CTests
{
    [Fact]
    public void The_checksum_matches_the_published_check_value()
    {
        // The standard check value of CRC-32C (iSCSI, RFC 3720) over the ASCII digits 1 to 9.
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Fact]
    public void A_checksum_can_be_continued_over_a_second_part()
    {
        var data = "write-ahead log record"u8.ToArray();
        Assert.Equal(Crc32C.Compute(data), Crc32C.Append(Crc32C.Compute(data.AsSpan(0, 7)), data.AsSpan(7)));
    }
}

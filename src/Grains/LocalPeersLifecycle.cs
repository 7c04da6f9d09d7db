using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansKv.Grains.Placement;
using OrleansKv.Replica.Storage;

namespace OrleansKv.Grains;

/// <summary>
/// Joins the silo's lifecycle for its replicas. At start it opens the storage provider (recovery
/// reads the disk, so it runs here rather than inside a grain's turn) and, once the silo is
/// active, activates the peer of every group the layout places here, so a restarted silo rejoins
/// its groups without waiting for a request. At a graceful stop, while grain calls still work,
/// it hands leadership of the groups led here to other replicas and waits until they lead.
/// </summary>
internal sealed class LocalPeersLifecycle(
    IServiceProvider services,
    ClusterLayout layout,
    LocalPeers localPeers,
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IOptions<ReplicaPlacementOptions> placement,
    ILogger<LocalPeersLifecycle> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>How long a graceful stop waits for the groups led here to have another leader.</summary>
    public static readonly TimeSpan HandOffTimeout = TimeSpan.FromSeconds(3);

    private readonly CancellationTokenSource _stopping = new();
    private Task _activation = Task.CompletedTask;

    private string ReplicaName => placement.Value.ReplicaOn(silo.Name);

    public void Participate(ISiloLifecycle lifecycle)
    {
        lifecycle.Subscribe(nameof(LocalPeersLifecycle), ServiceLifecycleStage.RuntimeStorageServices, OpenStorage);
        lifecycle.Subscribe(nameof(LocalPeersLifecycle), ServiceLifecycleStage.Active, OnActive, OnStopActive);
    }

    private Task OpenStorage(CancellationToken cancellationToken)
    {
        _ = services.GetService(typeof(IStorageProvider)) ?? throw new InvalidOperationException("no storage provider is registered");
        return Task.CompletedTask;
    }

    private Task OnActive(CancellationToken cancellationToken)
    {
        // In the background: the silo is active now, and its peers come up as placement allows.
        _activation = Task.Run(() => ActivatePeersAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task ActivatePeersAsync(CancellationToken cancellationToken)
    {
        var pending = layout.GroupsOn(ReplicaName).Select(g => g.Id).ToHashSet();
        var delay = TimeSpan.FromMilliseconds(50);
        while (pending.Count > 0 && !cancellationToken.IsCancellationRequested)
        {
            foreach (var group in pending.ToList())
            {
                try
                {
                    await grains.Peer(group, ReplicaName).GetStatus();
                    pending.Remove(group);
                }
                catch (Exception e) when (e is OrleansException or TimeoutException)
                {
                    logger.LogDebug(e, "replica {Replica} of group {Group} is not active yet", ReplicaName, group);
                }
            }
            if (pending.Count == 0) break;
            // Retrying with a back-off until placement sees this silo active, not a wait for ordering.
            try { await Task.Delay(delay, cancellationToken); } catch (OperationCanceledException) { break; }
            delay = TimeSpan.FromMilliseconds(Math.Min(1000, delay.TotalMilliseconds * 2));
        }
        if (pending.Count == 0) logger.LogInformation("silo {Silo}: replicas of groups [{Groups}] are active", silo.Name, string.Join(",", localPeers.Groups.Order()));
    }

    private async Task OnStopActive(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _activation;
        var self = Replica.ReplicaId.Of(ReplicaName);
        var led = localPeers.Groups.Where(g => localPeers.KnownLeaderOf(g) == self).ToList();
        if (led.Count == 0) return;
        foreach (var group in led)
        {
            try { await grains.Peer(group, ReplicaName).TransferLeadershipAway(); }
            catch (Exception e) when (e is OrleansException or TimeoutException) { logger.LogWarning(e, "group {Group}: hand-off did not start", group); }
        }
        // Done when every group names a new leader, not merely when this replica stepped down.
        var deadline = DateTime.UtcNow + HandOffTimeout;
        while (DateTime.UtcNow < deadline && led.Any(g => localPeers.KnownLeaderOf(g) is var leader && (leader == self || leader == 0)))
        {
            try { await Task.Delay(20, cancellationToken); } catch (OperationCanceledException) { break; } // polling a condition with a deadline
        }
        logger.LogInformation("silo {Silo}: leadership of groups [{Groups}] handed over", silo.Name, string.Join(",", led));
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansKv.Grains.Placement;
using Orleans.Storage;

namespace OrleansKv.Grains;

/// <summary>
/// Joins the silo's lifecycle for its replicas. At start it opens the storage provider (recovery
/// reads the disk, so it runs here rather than inside a grain's turn) and, once the silo is
/// active, activates the peer of every group the layout places here, so a restarted silo rejoins
/// its groups without waiting for a request. At a graceful stop it hands leadership of the groups
/// led here to other replicas and waits until they lead: as soon as the host is asked to stop,
/// before Orleans begins its own shutdown (by then this silo already counts as shutting down and
/// its calls to other silos' peers no longer find them).
/// </summary>
internal sealed class LocalPeersLifecycle(
    IServiceProvider services,
    ClusterLayout layout,
    LocalPeers localPeers,
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IOptions<ReplicaPlacementOptions> placement,
    IOptions<RaftPeerGrainOptions> options,
    IHostApplicationLifetime lifetime,
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
        lifecycle.Subscribe(nameof(LocalPeersLifecycle), ServiceLifecycleStage.Active, OnActive);
    }

    // A missing provider is a configuration error: say so at start-up, not at the first activation.
    private Task OpenStorage(CancellationToken cancellationToken)
    {
        var name = options.Value.GrainStorageName;
        if (services.GetKeyedService<IGrainStorage>(name) is null)
            throw new InvalidOperationException($"no Orleans grain storage provider named '{name}' is registered for the Raft peers (for example AddFileGrainStorage(\"{name}\", ...))");
        return Task.CompletedTask;
    }

    private Task OnActive(CancellationToken cancellationToken)
    {
        // In the background: the silo is active now, and its peers come up as placement allows.
        _activation = Task.Run(() => ActivatePeersAsync(_stopping.Token), CancellationToken.None);
        // ApplicationStopping callbacks run on the thread that asked the host to stop, before any
        // hosted service stops; blocking it for the bounded hand-off delays the stop, nothing else.
        lifetime.ApplicationStopping.Register(() => HandOffAsync().GetAwaiter().GetResult());
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
        await LearnWherePeersLiveAsync(cancellationToken);
    }

    // A follower only ever calls its leader, so this silo may never have sent to the other
    // replicas of its groups. Should it become leader (a SIGTERM hand-off), its first heartbeats
    // would each wait on placement: Orleans asks the grain directory first, whose answer for a
    // peer is always "not registered" (see ReplicaPlacement), maybe from the stopping silo's
    // partition. One call to each peer now puts its silo in this silo's cache. Best effort.
    private async Task LearnWherePeersLiveAsync(CancellationToken cancellationToken)
    {
        foreach (var group in layout.GroupsOn(ReplicaName))
        {
            foreach (var replica in group.Replicas)
            {
                if (replica == ReplicaName || cancellationToken.IsCancellationRequested) continue;
                try { await grains.Peer(group.Id, replica).GetStatus(); }
                catch (Exception e) when (e is OrleansException or TimeoutException) { logger.LogDebug(e, "replica {Replica} of group {Group} did not answer", replica, group.Id); }
            }
        }
    }

    private async Task<bool> OthersAgreeOnANewLeaderAsync(uint group)
    {
        string? leader = null;
        foreach (var replica in layout.Group(group)!.Replicas)
        {
            if (replica == ReplicaName) continue;
            try
            {
                var seen = (await grains.Peer(group, replica).GetStatus()).Leader;
                if (seen.Length == 0 || seen == ReplicaName || (leader is not null && seen != leader)) return false;
                leader = seen;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                // A replica that is down cannot disagree; the others decide.
            }
        }
        return leader is not null;
    }

    private async Task HandOffAsync()
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
        // Done when, in every group, all the other replicas name the same new leader: then it reaches
        // a quorum without this replica (whose vote may have been the one that elected it).
        var deadline = DateTime.UtcNow + HandOffTimeout;
        foreach (var group in led)
        {
            while (DateTime.UtcNow < deadline && !await OthersAgreeOnANewLeaderAsync(group))
                await Task.Delay(20); // polling a condition with a deadline
        }
        logger.LogInformation("silo {Silo}: leadership of groups [{Groups}] handed over", silo.Name, string.Join(",", led));
    }
}

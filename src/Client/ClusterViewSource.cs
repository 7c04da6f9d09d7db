using OrleansKv.Grains;

namespace OrleansKv.Client;

/// <summary>Asks the cluster for its view (any silo answers: the grain is a stateless worker) and keeps the routing table up to date.</summary>
internal sealed class ClusterViewSource(IGrainFactory grains, RoutingTable routing, TimeSpan timeout)
{
    /// <summary>Fetches the view and updates the routing table.</summary>
    /// <exception cref="UnavailableException">No silo answered in time.</exception>
    public async Task<ClusterView> RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            var view = await grains.GetGrain<IClusterViewGrain>(0).GetView().WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            routing.Update(view);
            return view;
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            throw new UnavailableException($"no silo answered the cluster view query: {e.Message}", e);
        }
    }

    /// <summary>Refreshes if it can; a failure leaves the old view (the caller retries later).</summary>
    public async Task TryRefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (UnavailableException)
        {
        }
    }
}

namespace OrleansKv.Silo.Runtime;

/// <summary>
/// The grain timer: every period it queues a tick turn on each activation. Ticks are turns like
/// any other, so a grain never sees a tick in the middle of another turn.
/// </summary>
public sealed class GrainTimer(TimeSpan period, IReadOnlyList<GrainActivation> activations) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public void Start() => _loop = RunAsync(_stop.Token);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                foreach (var activation in activations)
                {
                    var grain = activation.Grain;
                    activation.Post(grain.OnTick);
                }
        }
        catch (OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}

using OrleansKv.Contracts;

namespace OrleansKv.Client;

/// <summary>The channel to a silo in this process: a direct call, answered through a task.</summary>
internal sealed class LocalSiloChannel(ILocalSilo silo) : ISiloChannel
{
    public bool IsOpen => true;

    public async Task<ClientResponse> SendAsync(ClientRequest request, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<ClientResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The retry loop reuses its request object; the silo may still hold an earlier attempt, so it gets its own copy.
        silo.Handle(request.Clone(), response => answer.TrySetResult(response));
        using var registration = cancellationToken.Register(static state => ((TaskCompletionSource<ClientResponse>)state!).TrySetCanceled(), answer);
        return await answer.Task.ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

using OrleansKv.Client;
using OrleansKv.Contracts;
using OrleansKv.Silo.Transport;

namespace OrleansKv.Silo.Runtime;

/// <summary>
/// The silo as its co-hosted gateway's client sees it: requests go straight into the runtime's
/// mailboxes and answers come straight back, with no socket and no encoding in between.
/// </summary>
public sealed class LocalGatewaySilo(SiloRuntime runtime) : ILocalSilo
{
    public string Address => runtime.Options.Address;

    public void Handle(ClientRequest request, Action<ClientResponse> reply) => runtime.OnClientRequest(request, new CallbackResponder(reply));

    private sealed class CallbackResponder(Action<ClientResponse> reply) : IClientResponder
    {
        public bool IsConnected => true;

        public void Send(ClientResponse response) => reply(response);
    }
}

using System.Net;
using Microsoft.Extensions.Logging;
using OrleansKv.Contracts;
using OrleansKv.Grains;
using OrleansKv.Grains.Kv;
using OrleansKv.Grains.Storage;
using OrleansKv.Raft;
using OrleansKv.Silo.Configuration;
using OrleansKv.Silo.Transport;
using OrleansKv.Storage;

namespace OrleansKv.Silo.Runtime;

/// <summary>
/// The grain runtime of one silo: opens the storage provider, activates exactly the Raft peer
/// grains the placement table puts here, ticks them with a grain timer, and routes grain calls
/// (Raft messages from peer silos) and client requests to their mailboxes.
/// </summary>
public sealed class SiloRuntime : IInboundHandler, IAsyncDisposable
{
    private readonly SiloOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<uint, GrainActivation> _activations = [];
    private readonly List<Task> _turnLoops = [];
    private IStorageProvider? _storage;
    private SiloTransport? _transport;
    private GrainTimer? _timer;

    public SiloRuntime(SiloOptions options, ILoggerFactory loggerFactory)
    {
        _options = options;
        _logger = loggerFactory.CreateLogger<SiloRuntime>();
        LoggerFactory = loggerFactory;
        Placement = new PlacementTable(options.Silos, options.Groups, options.ReplicationFactor);
    }

    private ILoggerFactory LoggerFactory { get; }

    public PlacementTable Placement { get; }

    public SiloOptions Options => _options;

    public SiloTransport Transport => _transport ?? throw new InvalidOperationException("the silo is not started");

    /// <summary>True when every group hosted here knows a leader.</summary>
    public bool AllGroupsHaveLeader => _activations.Count > 0 && _activations.Values.All(a => a.Grain.KnownLeader != 0);

    public IReadOnlyCollection<GrainActivation> Activations => _activations.Values;

    public void Start()
    {
        _storage = OpenStorage();
        var transportOptions = new TransportOptions
        {
            SiloId = _options.Id,
            ClusterName = _options.Cluster,
            Listen = IPEndPoint.Parse(_options.Address),
            Peers = _options.Silos.Where(s => s.Id != _options.Id).ToDictionary(s => s.Id, s => s.Address),
        };
        _transport = new SiloTransport(transportOptions, LoggerFactory.CreateLogger<SiloTransport>());

        var random = new Random();
        var tickMs = Math.Max(1, _options.TickMilliseconds);
        foreach (var placement in Placement.PlacedOn(_options.Id))
        {
            var activation = new GrainActivation(placement.Group, LoggerFactory.CreateLogger<GrainActivation>());
            var grainOptions = new PeerGrainOptions
            {
                GroupId = placement.Group,
                SiloId = _options.Id,
                InitialVoters = placement.Replicas,
                ElectionTicks = _options.ElectionTicks,
                RequestTimeoutTicks = Math.Max(1, _options.RequestTimeoutMilliseconds / tickMs),
                SnapshotEveryEntries = _options.SnapshotEveryEntries,
                Limits = new KvLimits { MaxKeyBytes = _options.MaxKeyBytes, MaxValueBytes = _options.MaxValueBytes },
            };
            var grain = new RaftPeerGrain(grainOptions, _storage.OpenGroup(placement.Group), _transport, activation, new Random(random.Next()));
            activation.Attach(grain);
            _activations[placement.Group] = activation;
        }
        foreach (var activation in _activations.Values) _turnLoops.Add(Task.Run(activation.RunAsync, CancellationToken.None));

        _transport.Start(this);
        _timer = new GrainTimer(TimeSpan.FromMilliseconds(tickMs), [.. _activations.Values]);
        _timer.Start();
        _logger.LogInformation("silo {Silo} started: {Address}, groups [{Groups}], storage {Storage}",
            _options.Id, _options.Address, string.Join(",", _activations.Keys), _storage.Name);
    }

    private IStorageProvider OpenStorage() => _options.Storage switch
    {
        "memory" => new MemoryStorageProvider(),
        _ => new FileStorageProvider(new FileStorageOptions
        {
            Directory = Path.GetFullPath(_options.DataDirectory),
            MaxCachedEntryBytes = _options.MaxCachedEntryBytes,
        }),
    };

    // ------------------------------------------------------------------ inbound grain calls

    public void OnRaftMessage(uint group, Message message)
    {
        if (!_activations.TryGetValue(group, out var activation)) return;
        activation.TryPostExternal(() => activation.Grain.OnRaftMessage(message));
    }

    public void OnClientRequest(ClientRequest request, IClientResponder responder)
    {
        var correlation = request.CorrelationId;
        switch (request.BodyCase)
        {
            case ClientRequest.BodyOneofCase.ClusterInfo:
                responder.Send(new ClientResponse { CorrelationId = correlation, ClusterInfo = DescribeCluster() });
                return;
            case ClientRequest.BodyOneofCase.Kv:
                var kv = request.Kv;
                if (!_activations.TryGetValue(kv.Group, out var activation))
                {
                    responder.Send(Answer(correlation, new KvResponse { Status = KvStatus.WrongGroup, Message = $"silo {_options.Id} hosts no replica of group {kv.Group}" }));
                    return;
                }
                if (!activation.TryPostExternal(() => activation.Grain.OnClientRequest(kv, response => responder.Send(Answer(correlation, response)))))
                    responder.Send(Answer(correlation, new KvResponse { Status = KvStatus.Unavailable, Message = $"silo {_options.Id} is overloaded" }));
                return;
            default:
                responder.Send(Answer(correlation, new KvResponse { Status = KvStatus.BadRequest, Message = "unknown request" }));
                return;
        }
    }

    private ClientResponse Answer(ulong correlation, KvResponse response)
    {
        if (response.Status == KvStatus.NotLeader && response.LeaderHint != 0 && response.LeaderAddress.Length == 0)
            response.LeaderAddress = _options.Silos.Find(s => s.Id == response.LeaderHint)?.Address ?? "";
        return new ClientResponse { CorrelationId = correlation, Kv = response };
    }

    public ClusterInfo DescribeCluster()
    {
        var info = new ClusterInfo { Cluster = _options.Cluster, SlotCount = HashSlot.Count };
        foreach (var silo in _options.Silos)
            info.Silos.Add(new SiloInfo { Id = silo.Id, Address = silo.Address, HttpUrl = silo.HttpUrl });
        foreach (var placement in Placement.Groups)
        {
            var group = new GroupInfo { Id = placement.Group, SlotStart = (uint)placement.SlotStart, SlotEnd = (uint)placement.SlotEnd };
            group.Replicas.Add(placement.Replicas);
            if (_activations.TryGetValue(placement.Group, out var activation)) group.Leader = activation.Grain.KnownLeader;
            info.Groups.Add(group);
        }
        return info;
    }

    // ------------------------------------------------------------------ shutdown

    /// <summary>Hands leadership of every group led here to another replica; waits until done or the timeout.</summary>
    public async Task TransferLeadershipAwayAsync(TimeSpan timeout)
    {
        var led = _activations.Values.Where(a => a.Grain.KnownLeader == _options.Id).ToList();
        if (led.Count == 0) return;
        foreach (var activation in led) activation.Post(() => activation.Grain.TransferLeadershipAway());
        var deadline = DateTime.UtcNow + timeout;
        // Done when every group names a new leader, not merely when this silo stepped down.
        while (DateTime.UtcNow < deadline && led.Any(a => a.Grain.KnownLeader == _options.Id || a.Grain.KnownLeader == 0))
            await Task.Delay(20).ConfigureAwait(false); // polling a condition with a deadline, not a sleep for ordering
        _logger.LogInformation("silo {Silo}: leadership of [{Groups}] handed over", _options.Id, string.Join(",", led.Select(a => a.Group)));
    }

    public async ValueTask DisposeAsync()
    {
        if (_timer is not null) await _timer.DisposeAsync();
        if (_transport is not null) await _transport.DisposeAsync();
        foreach (var activation in _activations.Values) activation.Complete();
        await Task.WhenAll(_turnLoops).ConfigureAwait(false);
        _storage?.Dispose();
    }
}

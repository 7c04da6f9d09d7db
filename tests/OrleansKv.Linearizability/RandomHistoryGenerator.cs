namespace OrleansKv.Linearizability;

/// <summary>
/// Generates histories that are linearizable by construction: concurrent simulated clients issue random commands
/// against a <see cref="KvReferenceStore"/>, and each command takes effect at a random instant between its call and
/// its return (its linearization point). Deterministic for a given seed.
/// </summary>
public static class RandomHistoryGenerator
{
    // At equal times: effects before answers (an answer reports its effect), answers before new calls.
    private const int TakeEffect = 0;
    private const int Answer = 1;
    private const int ClientReady = 2;

    public static IReadOnlyList<KvOperation> Generate(HistoryGenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ClientCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.KeyCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxLatency, 1);

        var random = new Random(options.Seed);
        var store = new KvReferenceStore();
        var clients = Enumerable.Range(0, options.ClientCount).Select(_ => new Dictionary<string, long>()).ToArray();
        var operations = new List<PendingOperation>(options.OperationCount);
        var agenda = new PriorityQueue<(int Kind, int Subject), (long Time, int Kind, long Sequence)>();
        long sequence = 0;

        void Schedule(long time, int kind, int subject) => agenda.Enqueue((kind, subject), (time, kind, sequence++));

        for (var client = 0; client < options.ClientCount; client++)
        {
            Schedule(random.Next(options.MaxThinkTime + 1), ClientReady, client);
        }

        while (agenda.TryDequeue(out var happening, out var when))
        {
            switch (happening.Kind)
            {
                case ClientReady when operations.Count < options.OperationCount:
                    var client = happening.Subject;
                    var command = NextCommand(random, options, client, clients[client], operations.Count);
                    var latency = random.Next(1, options.MaxLatency + 1);
                    var pending = new PendingOperation(client, command, when.Time, when.Time + latency)
                    {
                        GivesUp = random.NextDouble() < options.UnknownOutcomeRate,
                    };
                    operations.Add(pending);
                    var id = operations.Count - 1;

                    // A client that gives up may still see its command take effect; half of them do.
                    if (!pending.GivesUp || random.Next(2) == 0)
                    {
                        Schedule(when.Time + random.Next(latency + 1), TakeEffect, id);
                    }

                    Schedule(pending.ReturnTime, Answer, id);
                    break;

                case TakeEffect:
                    var effect = operations[happening.Subject];
                    effect.Output = store.Apply(effect.Command);
                    break;

                case Answer:
                    var answered = operations[happening.Subject];
                    if (!answered.GivesUp)
                    {
                        Learn(clients[answered.ClientId], answered.Command, answered.Output);
                    }

                    Schedule(answered.ReturnTime + random.Next(options.MaxThinkTime + 1), ClientReady, answered.ClientId);
                    break;
            }
        }

        return operations
            .Select(op => op.GivesUp
                ? KvOperation.OutcomeUnknown(op.ClientId, op.Command, op.CallTime)
                : KvOperation.Completed(op.ClientId, op.Command, op.CallTime, op.ReturnTime, options.ReportVersions ? op.Output : WithoutVersion(op.Output)))
            .ToArray();
    }

    private static KvCommand NextCommand(Random random, HistoryGenerationOptions options, int client, Dictionary<string, long> knownVersions, int serial)
    {
        var key = $"k{random.Next(options.KeyCount)}";
        var value = $"c{client}.{serial}";
        var (get, put, append, delete, cas) = options.Mix;
        var roll = random.Next(get + put + append + delete + cas);
        if ((roll -= get) < 0)
        {
            return KvCommand.Get(key);
        }

        if ((roll -= put) < 0)
        {
            return KvCommand.Put(key, value);
        }

        if ((roll -= append) < 0)
        {
            return KvCommand.Append(key, $"+{value}");
        }

        if ((roll -= delete) < 0)
        {
            return KvCommand.Delete(key);
        }

        // Usually the version this client last saw (which may be stale by now), sometimes create-if-absent.
        var expected = random.Next(5) == 0 ? 0 : knownVersions.GetValueOrDefault(key);
        return KvCommand.CompareAndSet(key, expected, value);
    }

    private static void Learn(Dictionary<string, long> knownVersions, KvCommand command, KvOutput output)
    {
        switch (output.Outcome)
        {
            case KvOutcome.Found or KvOutcome.Written or KvOutcome.Swapped or KvOutcome.SwapRejected:
                knownVersions[command.Key] = output.Version ?? 0;
                break;
            case KvOutcome.NotFound or KvOutcome.Deleted or KvOutcome.DeletedNothing:
                knownVersions[command.Key] = 0;
                break;
        }
    }

    private static KvOutput WithoutVersion(KvOutput output) => output.Outcome switch
    {
        KvOutcome.Found => KvOutput.Found(output.Value!),
        KvOutcome.Written => KvOutput.Written(),
        KvOutcome.Swapped => KvOutput.Swapped(),
        KvOutcome.SwapRejected => KvOutput.SwapRejected(),
        _ => output,
    };

    private sealed class PendingOperation(int clientId, KvCommand command, long callTime, long returnTime)
    {
        public int ClientId => clientId;

        public KvCommand Command => command;

        public long CallTime => callTime;

        public long ReturnTime => returnTime;

        public bool GivesUp { get; init; }

        public KvOutput Output { get; set; }
    }
}

namespace OrleansKv.Linearizability.Tests;

/// <summary>The recorder timestamps invocations and answers with the supplied clock, from any thread.</summary>
public class HistoryRecorderTests
{
    [Fact]
    public void CallAndReturn_AreTimestampedWithTheSuppliedClock()
    {
        long now = 100;
        var recorder = new HistoryRecorder(() => now);

        var handle = recorder.Invoke(clientId: 3, KvCommand.Put("k", "v"));
        now = 150;
        recorder.Return(handle, KvOutput.Written(9));

        var operation = Assert.Single(recorder.GetHistory());
        Assert.Equal(3, operation.ClientId);
        Assert.Equal(KvCommand.Put("k", "v"), operation.Command);
        Assert.Equal(100, operation.CallTime);
        Assert.Equal(150, operation.ReturnTime);
        Assert.Equal(KvOutput.Written(9), operation.Output);
    }

    [Fact]
    public void UnknownOutcome_IsRecordedAsNeverReturned()
    {
        var recorder = new HistoryRecorder(() => 5);

        recorder.Unknown(recorder.Invoke(1, KvCommand.Append("k", "x")));

        var operation = Assert.Single(recorder.GetHistory());
        Assert.True(operation.IsOutcomeUnknown);
        Assert.Equal(KvOperation.NeverReturned, operation.ReturnTime);
    }

    [Fact]
    public void OperationStillPending_IsReportedWithUnknownOutcome()
    {
        var recorder = new HistoryRecorder();

        recorder.Invoke(1, KvCommand.Delete("k"));

        Assert.True(Assert.Single(recorder.GetHistory()).IsOutcomeUnknown);
    }

    [Fact]
    public void SecondOutcomeForTheSameOperation_IsRejected()
    {
        var recorder = new HistoryRecorder();
        var handle = recorder.Invoke(1, KvCommand.Get("k"));
        recorder.Return(handle, KvOutput.NotFound);

        Assert.Throws<InvalidOperationException>(() => recorder.Unknown(handle));
    }

    [Fact]
    public void OutputThatCannotAnswerTheCommand_IsRejected()
    {
        var recorder = new HistoryRecorder();
        var handle = recorder.Invoke(1, KvCommand.Get("k"));

        Assert.Throws<ArgumentException>(() => recorder.Return(handle, KvOutput.Written(1)));
    }

    [Fact]
    public void ConcurrentClientsAgainstAnAtomicStore_RecordALinearizableHistory()
    {
        long clock = 0;
        var recorder = new HistoryRecorder(() => Interlocked.Increment(ref clock));
        var store = new KvReferenceStore();
        const int clients = 8;
        const int operationsPerClient = 500;

        Parallel.For(0, clients, new ParallelOptions { MaxDegreeOfParallelism = clients }, client =>
        {
            var random = new Random(client);
            for (var i = 0; i < operationsPerClient; i++)
            {
                var key = $"k{random.Next(3)}";
                KvCommand command = random.Next(4) switch
                {
                    0 => KvCommand.Put(key, $"{client}.{i}"),
                    1 => KvCommand.Append(key, $"+{client}.{i}"),
                    2 => KvCommand.CompareAndSet(key, random.Next(3), $"{client}.{i}"),
                    _ => KvCommand.Get(key),
                };

                var handle = recorder.Invoke(client, command);
                KvOutput output;
                lock (store)
                {
                    output = store.Apply(command);
                }

                if (i % 50 == 49)
                {
                    recorder.Unknown(handle);
                }
                else
                {
                    recorder.Return(handle, output);
                }
            }
        });

        var history = recorder.GetHistory();
        var result = LinearizabilityChecker.Check(history);

        Assert.Equal(clients * operationsPerClient, history.Count);
        Assert.True(result.IsOk, result.Describe());
    }
}

using OrleansKv.Contracts;
using OrleansKv.Replica.Kv;
using static OrleansKv.Replica.Tests.Kv.KvRequests;

namespace OrleansKv.Replica.Tests.Kv;

public class KvSessionTests
{
    private const ulong Client = 42;

    [Fact]
    public void A_retried_append_returns_the_first_answer_and_is_applied_once()
    {
        var machine = new KvStateMachine(new KvLimits());

        var first = machine.Apply(1, Append("log", "x").From(Client, sequence: 1));
        var retry = machine.Apply(2, Append("log", "x").From(Client, sequence: 1));

        Assert.Equal(KvStatus.Ok, retry.Status);
        Assert.Equal(first.Version, retry.Version);
        Assert.Equal(1ul, retry.Version);
        Assert.Equal("x", machine.ValueOf("log"));
        Assert.Equal(1ul, machine.Read(Get("log")).Version);
        Assert.Equal(2ul, machine.AppliedIndex);
    }

    [Fact]
    public void A_retried_conditional_write_gets_its_first_outcome_even_when_it_would_now_differ()
    {
        var machine = new KvStateMachine(new KvLimits());

        var created = machine.Apply(1, Put("k", "v", MustNotExist()).From(Client, sequence: 1));
        var retry = machine.Apply(2, Put("k", "v", MustNotExist()).From(Client, sequence: 1));

        Assert.Equal(KvStatus.Ok, created.Status);
        Assert.Equal(KvStatus.Ok, retry.Status);
        Assert.Equal(1ul, retry.Version);
    }

    [Fact]
    public void A_retried_delete_reports_that_the_key_existed_as_the_first_time_did()
    {
        var machine = new KvStateMachine(new KvLimits());
        machine.Apply(1, Put("k", "v"));

        machine.Apply(2, Delete("k").From(Client, sequence: 7));
        var retry = machine.Apply(3, Delete("k").From(Client, sequence: 7));

        Assert.True(retry.Existed);
        Assert.Equal(2ul, retry.Version);
    }

    [Fact]
    public void Changing_a_returned_answer_does_not_change_what_a_retry_gets()
    {
        var machine = new KvStateMachine(new KvLimits());
        var first = machine.Apply(1, Put("k", "v").From(Client, sequence: 1));
        first.Version = 999;
        first.Status = KvStatus.Timeout;

        var retry = machine.Apply(2, Put("k", "v").From(Client, sequence: 1));

        Assert.Equal(KvStatus.Ok, retry.Status);
        Assert.Equal(1ul, retry.Version);
    }

    [Fact]
    public void Requests_without_a_client_id_are_not_deduplicated()
    {
        var machine = new KvStateMachine(new KvLimits());

        machine.Apply(1, Append("log", "x").From(clientId: 0, sequence: 1));
        machine.Apply(2, Append("log", "x").From(clientId: 0, sequence: 1));

        Assert.Equal("xx", machine.ValueOf("log"));
        Assert.Equal(0, machine.SessionCount);
    }

    [Fact]
    public void Sessions_of_different_clients_are_independent()
    {
        var machine = new KvStateMachine(new KvLimits());

        machine.Apply(1, Append("log", "a").From(clientId: 1, sequence: 1));
        machine.Apply(2, Append("log", "b").From(clientId: 2, sequence: 1));

        Assert.Equal("ab", machine.ValueOf("log"));
        Assert.Equal(2, machine.SessionCount);
    }

    [Fact]
    public void Acked_below_frees_older_answers_and_an_older_sequence_is_stale()
    {
        var machine = new KvStateMachine(new KvLimits());
        machine.Apply(1, Append("log", "1").From(Client, sequence: 1));
        machine.Apply(2, Append("log", "2").From(Client, sequence: 2));
        machine.Apply(3, Append("log", "3").From(Client, sequence: 3));
        Assert.Equal(3, machine.AnswerCountOf(Client));

        machine.Apply(4, Append("log", "4").From(Client, sequence: 4, ackedBelow: 3));
        Assert.Equal(2, machine.AnswerCountOf(Client));

        var stale = machine.Apply(5, Append("log", "2").From(Client, sequence: 2, ackedBelow: 2));
        var stillKept = machine.Apply(6, Append("log", "3").From(Client, sequence: 3, ackedBelow: 3));

        Assert.Equal(KvStatus.StaleSequence, stale.Status);
        Assert.False(string.IsNullOrEmpty(stale.Message));
        Assert.Equal(KvStatus.Ok, stillKept.Status);
        Assert.Equal(3ul, stillKept.Version);
        Assert.Equal("1234", machine.ValueOf("log"));
    }

    [Fact]
    public void The_acknowledged_horizon_never_moves_back()
    {
        var machine = new KvStateMachine(new KvLimits());
        machine.Apply(1, Put("k", "1").From(Client, sequence: 1));
        machine.Apply(2, Put("k", "5").From(Client, sequence: 5, ackedBelow: 5));

        var answer = machine.Apply(3, Put("k", "old").From(Client, sequence: 2, ackedBelow: 0));

        Assert.Equal(KvStatus.StaleSequence, answer.Status);
        Assert.Equal("5", machine.ValueOf("k"));
    }

    [Fact]
    public void Over_the_answer_cap_the_smallest_sequence_is_dropped_and_becomes_stale()
    {
        var machine = new KvStateMachine(new KvLimits { MaxAnswersPerSession = 3 });
        for (ulong sequence = 1; sequence <= 4; sequence++)
            machine.Apply(sequence, Append("log", sequence.ToString()).From(Client, sequence));

        Assert.Equal(3, machine.AnswerCountOf(Client));
        var dropped = machine.Apply(5, Append("log", "1").From(Client, sequence: 1));
        var kept = machine.Apply(6, Append("log", "2").From(Client, sequence: 2));

        Assert.Equal(KvStatus.StaleSequence, dropped.Status);
        Assert.Equal(2ul, kept.Version);
        Assert.Equal("1234", machine.ValueOf("log"));
    }

    [Fact]
    public void Bad_requests_are_not_stored_in_the_session()
    {
        var machine = new KvStateMachine(new KvLimits());

        var bad = machine.Apply(1, new KvRequest { Operation = KvOperation.Put, ClientId = Client, Sequence = 1 });

        Assert.Equal(KvStatus.BadRequest, bad.Status);
        Assert.Equal(0, machine.AnswerCountOf(Client));
    }

    [Fact]
    public void An_idle_session_survives_exactly_the_timeout_by_the_command_clock()
    {
        var machine = new KvStateMachine(new KvLimits { SessionTimeoutMilliseconds = 1_000 });
        machine.Apply(1, Append("log", "x").From(Client, sequence: 1), proposedAtUnixMs: 10_000);

        var retry = machine.Apply(2, Append("log", "x").From(Client, sequence: 1), proposedAtUnixMs: 11_000);

        Assert.Equal(1ul, retry.Version);
        Assert.Equal("x", machine.ValueOf("log"));
    }

    [Fact]
    public void A_retry_after_the_session_expired_is_refused_with_SESSION_EXPIRED_and_applies_nothing()
    {
        var machine = new KvStateMachine(new KvLimits { SessionTimeoutMilliseconds = 1_000 });
        machine.Apply(1, Append("log", "x").From(Client, sequence: 1), proposedAtUnixMs: 10_000);

        // The client has its session, so its retry does not ask to open one.
        var late = machine.Apply(2, Append("log", "x").From(Client, sequence: 1, opensSession: false), proposedAtUnixMs: 11_001);

        Assert.Equal(KvStatus.SessionExpired, late.Status);
        Assert.Equal("x", machine.ValueOf("log"));
        Assert.Equal(0, machine.SessionCount);
    }

    [Fact]
    public void A_write_from_a_client_without_a_session_that_does_not_open_one_is_refused()
    {
        var machine = new KvStateMachine(new KvLimits());

        var refused = machine.Apply(1, Put("k", "v").From(Client, sequence: 7, ackedBelow: 7, opensSession: false));

        Assert.Equal(KvStatus.SessionExpired, refused.Status);
        Assert.Equal(KvStatus.NotFound, machine.Read(Get("k")).Status);
        Assert.Equal(0, machine.SessionCount);
        Assert.Equal(1ul, machine.AppliedIndex);
    }

    [Fact]
    public void A_first_attempt_refused_for_an_expired_session_is_applied_once_when_resent_opening_a_new_session()
    {
        var machine = new KvStateMachine(new KvLimits { SessionTimeoutMilliseconds = 1_000 });
        machine.Apply(1, Append("log", "a").From(Client, sequence: 1), proposedAtUnixMs: 10_000);

        var refused = machine.Apply(2, Append("log", "b").From(Client, sequence: 2, ackedBelow: 2, opensSession: false), proposedAtUnixMs: 20_000);
        var reopened = machine.Apply(3, Append("log", "b").From(Client, sequence: 2, ackedBelow: 2, opensSession: true), proposedAtUnixMs: 20_001);
        var retried = machine.Apply(4, Append("log", "b").From(Client, sequence: 2, ackedBelow: 2, opensSession: false), proposedAtUnixMs: 20_002);

        Assert.Equal(KvStatus.SessionExpired, refused.Status);
        Assert.Equal(KvStatus.Ok, reopened.Status);
        Assert.Equal(3ul, retried.Version);
        Assert.Equal("ab", machine.ValueOf("log"));
    }

    [Fact]
    public void Other_clients_commands_sweep_expired_sessions_by_the_command_clock()
    {
        var machine = new KvStateMachine(new KvLimits { SessionTimeoutMilliseconds = 1_000 });
        machine.Apply(1, Put("a", "1").From(clientId: 1, sequence: 1), proposedAtUnixMs: 10_000);
        machine.Apply(2, Put("b", "1").From(clientId: 2, sequence: 1), proposedAtUnixMs: 10_800);
        Assert.Equal(2, machine.SessionCount);

        // Client 1 idle 1,300 ms (> timeout), client 2 idle 500 ms: only client 1 goes.
        machine.Apply(3, Put("c", "1"), proposedAtUnixMs: 11_300);

        Assert.Equal(1, machine.SessionCount);
        Assert.Equal(0, machine.AnswerCountOf(1));
        Assert.Equal(1, machine.AnswerCountOf(2));
    }

    [Fact]
    public void The_clock_never_runs_backwards_when_a_command_carries_an_older_time()
    {
        var machine = new KvStateMachine(new KvLimits { SessionTimeoutMilliseconds = 1_000 });
        machine.Apply(1, Put("a", "1").From(Client, sequence: 1), proposedAtUnixMs: 10_000);
        machine.Apply(2, Put("b", "1"), proposedAtUnixMs: 20_000);

        machine.Apply(3, Put("c", "1"), proposedAtUnixMs: 5_000);

        Assert.Equal(20_000, machine.ClockUnixMilliseconds);
        Assert.Equal(0, machine.SessionCount);
    }

    [Fact]
    public void Session_expiry_depends_only_on_the_commands_not_on_when_they_run()
    {
        // Times far from today's wall clock: if the machine read its own clock, these would all expire.
        var first = RunExpiryScript();
        var second = RunExpiryScript();

        Assert.Equal(first.Digest, second.Digest);
        Assert.Equal(first.Log, second.Log);
        Assert.Equal("ab", first.Log);
        Assert.Equal(1, first.Sessions);
    }

    private static (ulong Digest, string Log, int Sessions) RunExpiryScript()
    {
        var machine = new KvStateMachine(new KvLimits { SessionTimeoutMilliseconds = 60_000 });
        machine.Apply(1, Append("log", "a").From(clientId: 1, sequence: 1), proposedAtUnixMs: 1_000);
        machine.Apply(2, Append("log", "b").From(clientId: 2, sequence: 1), proposedAtUnixMs: 50_000);
        machine.Apply(3, Append("log", "a").From(clientId: 1, sequence: 1), proposedAtUnixMs: 60_000);
        machine.Apply(4, Put("other", "v"), proposedAtUnixMs: 111_000);
        return (machine.StateDigest(), machine.ValueOf("log"), machine.SessionCount);
    }
}

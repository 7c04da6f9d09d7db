using OrleansKv.Silo.Hosting;

namespace OrleansKv.Silo.Tests;

/// <summary>
/// A silo turns on inline socket completions (and Kestrel's inline scheduling with them) unless
/// the process was started with the runtime's variable set. Each test puts the variable back.
/// </summary>
public sealed class InlineSocketCompletionsTests
{
    private const string Variable = InlineSocketCompletions.Variable;

    [Fact]
    public void Without_the_variable_a_silo_turns_inline_completions_on()
    {
        WithVariable(null, () =>
        {
            InlineSocketCompletions.Enable();

            Assert.Equal("1", Environment.GetEnvironmentVariable(Variable));
            Assert.Equal(!OperatingSystem.IsWindows(), InlineSocketCompletions.Enabled);
        });
    }

    [Fact]
    public void An_operator_who_sets_the_variable_to_0_keeps_completions_on_the_thread_pool()
    {
        WithVariable("0", () =>
        {
            InlineSocketCompletions.Enable();

            Assert.Equal("0", Environment.GetEnvironmentVariable(Variable));
            Assert.False(InlineSocketCompletions.Enabled);
        });
    }

    private static void WithVariable(string? value, Action test)
    {
        var original = Environment.GetEnvironmentVariable(Variable);
        Environment.SetEnvironmentVariable(Variable, value);
        try
        {
            test();
        }
        finally
        {
            Environment.SetEnvironmentVariable(Variable, original);
        }
    }
}

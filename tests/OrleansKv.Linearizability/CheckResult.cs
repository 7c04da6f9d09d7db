using System.Text;

namespace OrleansKv.Linearizability;

/// <summary>The verdict for a whole history: Illegal if any key is, else Unknown if any key ran out of time, else Ok.</summary>
public sealed class CheckResult
{
    internal CheckResult(IReadOnlyList<KeyCheckResult> keys)
    {
        Keys = keys;
        Outcome = keys.Any(k => k.Outcome == CheckOutcome.Illegal) ? CheckOutcome.Illegal
            : keys.Any(k => k.Outcome == CheckOutcome.Unknown) ? CheckOutcome.Unknown
            : CheckOutcome.Ok;
    }

    public CheckOutcome Outcome { get; }

    /// <summary>One result per key, in ordinal key order.</summary>
    public IReadOnlyList<KeyCheckResult> Keys { get; }

    public bool IsOk => Outcome == CheckOutcome.Ok;

    public IEnumerable<KeyCheckResult> IllegalKeys => Keys.Where(k => k.Outcome == CheckOutcome.Illegal);

    /// <summary>The verdict and, for every key that is not Ok, its explanation.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append($"History is {Outcome}: {Keys.Count} keys, {Keys.Sum(k => k.OperationCount)} operations");
        text.AppendLine($", {Keys.Count(k => k.Outcome == CheckOutcome.Illegal)} illegal, {Keys.Count(k => k.Outcome == CheckOutcome.Unknown)} unknown.");
        foreach (var key in Keys.Where(k => k.Outcome != CheckOutcome.Ok))
        {
            text.AppendLine(key.ToString());
        }

        return text.ToString();
    }

    public override string ToString() => Describe();
}

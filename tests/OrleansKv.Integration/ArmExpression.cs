using System.Globalization;
using System.Text;

namespace OrleansKv.Integration;

/// <summary>
/// One ARM template expression (<c>[format('silo{0}', copyIndex())]</c>), parsed, and evaluated
/// offline in an <see cref="ArmScope"/>. Only the functions the silo settings compile to are known;
/// anything that needs Azure (<c>subscription()</c>, <c>uniqueString</c>, <c>newGuid</c>, a
/// resource's runtime properties) throws <see cref="NotEvaluableOfflineException"/>.
/// </summary>
internal abstract record ArmExpression
{
    /// <summary>A template string: an expression if it is in brackets, else a literal (<c>[[</c> escapes a bracket).</summary>
    public static bool IsExpression(string text) => text.StartsWith('[') && text.EndsWith(']') && !text.StartsWith("[[", StringComparison.Ordinal);

    public static ArmExpression Parse(string text)
    {
        if (!IsExpression(text)) return new Literal(text.StartsWith("[[", StringComparison.Ordinal) ? text[1..] : text);
        var parser = new Parser(text[1..^1]);
        var expression = parser.Expression();
        parser.End();
        return expression;
    }

    public abstract object? Evaluate(ArmScope scope);

    private sealed record Literal(object Value) : ArmExpression
    {
        public override object? Evaluate(ArmScope scope) => Value;
    }

    private sealed record MemberAccess(ArmExpression Target, string Name) : ArmExpression
    {
        public override object? Evaluate(ArmScope scope) => ArmValues.Property(Target.Evaluate(scope), Name);
    }

    private sealed record ElementAccess(ArmExpression Target, ArmExpression Key) : ArmExpression
    {
        public override object? Evaluate(ArmScope scope) => Key.Evaluate(scope) switch
        {
            string name => ArmValues.Property(Target.Evaluate(scope), name),
            long i => Target.Evaluate(scope) is IReadOnlyList<object?> list ? list[checked((int)i)] : throw new NotEvaluableOfflineException($"[{i}] of a non-array"),
            var other => throw new NotEvaluableOfflineException($"an index of {other}"),
        };
    }

    private sealed record Call(string Function, IReadOnlyList<ArmExpression> Arguments) : ArmExpression
    {
        public override object? Evaluate(ArmScope scope) => ArmFunctions.Call(Function, Arguments, scope);
    }

    // expression := primary ( '.' name | '[' expression ']' )*
    // primary    := 'string' | integer | name '(' arguments ')'
    private sealed class Parser(string text)
    {
        private int _at;

        public ArmExpression Expression()
        {
            var expression = Primary();
            while (true)
            {
                SkipSpaces();
                if (TryTake('.')) expression = new MemberAccess(expression, Name());
                else if (TryTake('['))
                {
                    expression = new ElementAccess(expression, Expression());
                    Take(']');
                }
                else return expression;
            }
        }

        public void End()
        {
            SkipSpaces();
            if (_at != text.Length) throw Error("end of expression");
        }

        private ArmExpression Primary()
        {
            SkipSpaces();
            if (_at >= text.Length) throw Error("a value");
            var c = text[_at];
            if (c == '\'') return new Literal(StringLiteral());
            if (c == '-' || char.IsAsciiDigit(c)) return new Literal(Integer());
            var name = Name();
            if (name is "true" or "false") return new Literal(name == "true");
            Take('(');
            var arguments = new List<ArmExpression>();
            SkipSpaces();
            if (!TryTake(')'))
            {
                do arguments.Add(Expression()); while (TryTake(','));
                Take(')');
            }
            return new Call(name, arguments);
        }

        // Quotes inside a string literal are doubled: 'it''s'.
        private string StringLiteral()
        {
            Take('\'');
            var value = new StringBuilder();
            while (true)
            {
                if (_at >= text.Length) throw Error("a closing quote");
                if (text[_at] == '\'')
                {
                    if (_at + 1 < text.Length && text[_at + 1] == '\'') { value.Append('\''); _at += 2; continue; }
                    _at++;
                    return value.ToString();
                }
                value.Append(text[_at++]);
            }
        }

        private long Integer()
        {
            var start = _at;
            if (text[_at] == '-') _at++;
            while (_at < text.Length && char.IsAsciiDigit(text[_at])) _at++;
            return long.Parse(text[start.._at], CultureInfo.InvariantCulture);
        }

        private string Name()
        {
            SkipSpaces();
            var start = _at;
            while (_at < text.Length && (char.IsAsciiLetterOrDigit(text[_at]) || text[_at] is '_' or '$' or '#')) _at++;
            return _at > start ? text[start.._at] : throw Error("a name");
        }

        private bool TryTake(char c)
        {
            SkipSpaces();
            if (_at >= text.Length || text[_at] != c) return false;
            _at++;
            return true;
        }

        private void Take(char c)
        {
            if (!TryTake(c)) throw Error($"'{c}'");
        }

        private void SkipSpaces()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at])) _at++;
        }

        private FormatException Error(string expected) => new($"expected {expected} at {_at} in ARM expression [{text}]");
    }
}

using System.Text;
using OrleansKv.Contracts;

namespace OrleansKv.Integration;

/// <summary>Keys chosen so that a test touches every data group.</summary>
internal static class Keys
{
    /// <summary>Key names with the given prefix, <paramref name="perGroup"/> of them for each of <paramref name="groups"/> equal slot ranges.</summary>
    public static List<string> SpreadOverGroups(string prefix, int groups, int perGroup)
    {
        var found = new List<string>[groups];
        for (var g = 0; g < groups; g++) found[g] = [];
        for (var i = 0; found.Any(f => f.Count < perGroup); i++)
        {
            var key = $"{prefix}-{i}";
            var group = (int)((long)HashSlot.Of(key) * groups / HashSlot.Count);
            if (found[group].Count < perGroup) found[group].Add(key);
        }
        return found.SelectMany(f => f).ToList();
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);
}

using Microsoft.AspNetCore.Http;

namespace OrleansKv.Api;

/// <summary>Reads a request body into one right-sized array, refusing more than the value limit without buffering it.</summary>
internal static class BodyReader
{
    public enum Outcome { Ok, TooLarge, Truncated }

    public static async ValueTask<(Outcome Outcome, byte[] Body)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared)
        {
            if (declared > maxBytes) return (Outcome.TooLarge, []);
            var body = new byte[declared];
            var read = 0;
            try
            {
                while (read < body.Length)
                {
                    var n = await request.Body.ReadAsync(body.AsMemory(read), cancellationToken);
                    if (n == 0) return (Outcome.Truncated, []);
                    read += n;
                }
            }
            catch (BadHttpRequestException) { return (Outcome.Truncated, []); }
            catch (IOException) { return (Outcome.Truncated, []); }
            return (Outcome.Ok, body);
        }

        // Chunked: grow up to the limit plus one byte, to tell "exactly at the limit" from "over".
        var buffer = new byte[Math.Min(maxBytes + 1, 16 * 1024)];
        var total = 0;
        try
        {
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (buffer.Length > maxBytes) return (Outcome.TooLarge, []);
                    Array.Resize(ref buffer, (int)Math.Min((long)maxBytes + 1, buffer.Length * 2L));
                }
                var n = await request.Body.ReadAsync(buffer.AsMemory(total), cancellationToken);
                if (n == 0) break;
                total += n;
                if (total > maxBytes) return (Outcome.TooLarge, []);
            }
        }
        catch (BadHttpRequestException) { return (Outcome.Truncated, []); }
        catch (IOException) { return (Outcome.Truncated, []); }
        return (Outcome.Ok, total == buffer.Length ? buffer : buffer.AsSpan(0, total).ToArray());
    }
}

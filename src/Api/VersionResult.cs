using System.Buffers;
using System.Buffers.Text;
using Microsoft.AspNetCore.Http;

namespace OrleansKv.Api;

/// <summary>
/// The body of a successful write, <c>{"version":N}</c>, written straight into the response: it is
/// on every write's path, and a serializer round trip for one number is most of its cost.
/// </summary>
internal sealed class VersionResult(ulong version, int statusCode = StatusCodes.Status200OK) : IResult
{
    private static ReadOnlySpan<byte> Prefix => "{\"version\":"u8;

    public Task ExecuteAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = "application/json; charset=utf-8";
        Span<byte> body = stackalloc byte[Prefix.Length + 21];
        Prefix.CopyTo(body);
        Utf8Formatter.TryFormat(version, body[Prefix.Length..], out var digits);
        var length = Prefix.Length + digits;
        body[length++] = (byte)'}';
        response.ContentLength = length;
        response.BodyWriter.Write(body[..length]);
        return response.BodyWriter.FlushAsync().AsTask();
    }
}

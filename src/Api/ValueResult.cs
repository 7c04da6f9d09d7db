using Microsoft.AspNetCore.Http;

namespace OrleansKv.Api;

/// <summary>
/// A key's value as the body of a read (<c>application/octet-stream</c>), written straight into
/// the response: it is on every read's path, where the file result behind <c>Results.Bytes</c>
/// spends its time on range and last-modified handling a value never needs.
/// </summary>
internal sealed class ValueResult(ReadOnlyMemory<byte> value) : IResult
{
    public Task ExecuteAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/octet-stream";
        response.ContentLength = value.Length;
        if (value.IsEmpty) return Task.CompletedTask;
        return response.BodyWriter.WriteAsync(value, context.RequestAborted).AsTask();
    }
}

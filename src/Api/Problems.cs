using Microsoft.AspNetCore.Http;

namespace OrleansKv.Api;

/// <summary>
/// Every error the gateway returns: RFC 9457 problem details with a stable machine-readable
/// <c>code</c>, and never a stack trace.
/// </summary>
internal static class Problems
{
    public static IResult Create(int status, string code, string detail, Dictionary<string, object?>? extra = null)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = code };
        if (extra is not null) foreach (var (name, value) in extra) extensions[name] = value;
        return Results.Problem(detail: detail, statusCode: status, title: TitleOf(status), extensions: extensions);
    }

    public static IResult Malformed(string detail) => Create(StatusCodes.Status400BadRequest, "malformed_request", detail);

    public static IResult NotFound(string key) => Create(StatusCodes.Status404NotFound, "not_found", $"key '{key}' does not exist");

    private static string TitleOf(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        404 => "Not found",
        405 => "Method not allowed",
        412 => "Precondition failed",
        413 => "Content too large",
        503 => "Service unavailable",
        504 => "Gateway timeout",
        _ => "Error",
    };
}

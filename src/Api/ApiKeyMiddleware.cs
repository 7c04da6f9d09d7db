using Microsoft.AspNetCore.Http;

namespace OrleansKv.Api;

/// <summary>
/// Requires the gateway's API key on every request except the health probes, which the hosting
/// platform sends without one. The key comes as <c>Authorization: Bearer &lt;key&gt;</c> or
/// <c>X-Api-Key: &lt;key&gt;</c>. Any other request is answered 401 problem+json with
/// <c>WWW-Authenticate: Bearer</c> right here: it reaches no endpoint and no KV client.
/// <see cref="KvApiEndpoints.MapKvApi"/> puts it in the pipeline when <see cref="KvApiOptions.ApiKey"/> is set.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, GatewayApiKey key)
{
    /// <summary>The header that carries the key as is, for clients that cannot set a bearer token.</summary>
    public const string HeaderName = "X-Api-Key";

    private const string BearerPrefix = "Bearer ";

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (IsHealthProbe(request.Path)) return next(context);

        var presented = false;
        foreach (var value in request.Headers.Authorization)
        {
            if (value is null || !value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)) continue;
            if (key.Matches(value.AsSpan(BearerPrefix.Length).Trim())) return next(context);
            presented = true;
        }
        foreach (var value in request.Headers[HeaderName])
        {
            if (value is null) continue;
            if (key.Matches(value.AsSpan().Trim())) return next(context);
            presented = true;
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.Create(StatusCodes.Status401Unauthorized, "unauthorized", presented
                ? "the API key is not this gateway's"
                : $"this gateway needs an API key: send Authorization: Bearer <key> or {HeaderName}: <key>")
            .ExecuteAsync(context);
    }

    // The probe paths match as routing matches them: without regard to case.
    private static bool IsHealthProbe(PathString path) =>
        path.Equals(KvApiEndpoints.LivenessPath, StringComparison.OrdinalIgnoreCase)
        || path.Equals(KvApiEndpoints.ReadinessPath, StringComparison.OrdinalIgnoreCase);
}

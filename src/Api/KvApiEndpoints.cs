using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansKv.Client;

namespace OrleansKv.Api;

/// <summary>
/// The HTTP gateway: GET/HEAD/PUT/DELETE /v1/kv/{key} and POST ?op=append, on top of the client
/// library. Values are raw bytes; versions are ETags; conditions are HTTP's conditional headers.
/// </summary>
public static class KvApiEndpoints
{
    /// <summary>The liveness probe's path: served without the API key.</summary>
    public const string LivenessPath = "/healthz/live";

    /// <summary>The readiness probe's path: served without the API key.</summary>
    public const string ReadinessPath = "/healthz/ready";

    /// <summary>
    /// Registers the gateway's services. A set <see cref="KvApiOptions.ApiKey"/> is checked here, so a
    /// bad key stops the host before it serves anything.
    /// </summary>
    public static IServiceCollection AddKvApi(this IServiceCollection services, KvApiOptions options)
    {
        services.AddSingleton(options);
        if (!string.IsNullOrEmpty(options.ApiKey)) services.AddSingleton(new GatewayApiKey(options.ApiKey));
        services.AddProblemDetails();
        services.AddOpenApi();
        return services;
    }

    /// <summary>
    /// Maps the KV, health and OpenAPI endpoints. On an application builder it also adds the
    /// last-resort error handler and, with an API key configured, the key check
    /// (<see cref="ApiKeyMiddleware"/>), which then covers every endpoint of the application.
    /// </summary>
    public static IEndpointRouteBuilder MapKvApi(this IEndpointRouteBuilder app)
    {
        var apiKey = app.ServiceProvider.GetService<GatewayApiKey>();
        if (app is IApplicationBuilder pipeline)
        {
            pipeline.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = HandleUnexpectedAsync });
            if (apiKey is not null) pipeline.UseMiddleware<ApiKeyMiddleware>(apiKey);
        }
        // A route group has no pipeline to put the check in; serving without it would be an open door.
        else if (apiKey is not null)
        {
            throw new InvalidOperationException("an API key needs MapKvApi on the application itself (WebApplication), not on a route group");
        }

        // The handlers take the client and options from the root provider, resolved once, rather than as
        // parameters: a service parameter makes ASP.NET Core open a DI scope for every request.
        var options = app.ServiceProvider.GetRequiredService<KvApiOptions>();
        var clients = new Lazy<IKvClient>(app.ServiceProvider.GetRequiredService<IKvClient>);
        Func<HttpContext, string?, Task<IResult>> get = (context, consistency) => GetAsync(context, clients.Value, options, consistency);
        Func<HttpContext, Task<IResult>> put = context => PutAsync(context, clients.Value, options);
        Func<HttpContext, string?, Task<IResult>> post = (context, op) => PostAsync(context, clients.Value, options, op);
        Func<HttpContext, Task<IResult>> delete = context => DeleteAsync(context, clients.Value, options);
        const string route = "/v1/kv/{**key}";
        app.MapGet(route, get).WithName("GetKey").WithSummary("Read a key's value; ETag is its version. ?consistency=stale reads any replica.");
        app.MapMethods(route, [HttpMethods.Head], get).WithName("HeadKey").WithSummary("As GET, without the body: the status, the ETag and the value's length.");
        app.MapPut(route, put).WithName("PutKey").WithSummary("Write a key's value (raw body). Conditions: If-Match, If-None-Match: *, X-Kv-If-Value.");
        app.MapPost(route, post).WithName("AppendKey").WithSummary("?op=append: append the body to the key's value, with the same conditions as PUT.");
        app.MapDelete(route, delete).WithName("DeleteKey").WithSummary("Delete a key: 204 if it existed, 404 if not.");
        app.Map(route, (HttpContext context) => Problems.Create(StatusCodes.Status405MethodNotAllowed, "method_not_allowed",
                $"{context.Request.Method} is not supported on /v1/kv/{{key}}; use GET, HEAD, PUT, POST ?op=append or DELETE"))
            .WithOrder(1).ExcludeFromDescription();

        app.MapGet("/v1/cluster", ClusterAsync).WithName("Cluster").WithSummary("The cluster as the gateway sees it: silos, groups, their replicas, slot ranges, leaders and terms.");
        app.MapGet(LivenessPath, () => Results.Ok(new { status = "live" })).WithName("Liveness");
        app.MapGet(ReadinessPath, ReadyAsync).WithName("Readiness");
        app.MapOpenApi();
        return app;
    }

    private static async Task<IResult> GetAsync(HttpContext context, IKvClient client, KvApiOptions options, string? consistency)
    {
        if (!TryKey(context, options, out var key, out var problem)) return problem;
        ReadConsistency mode;
        switch (consistency)
        {
            case null or "" or "linearizable": mode = ReadConsistency.Linearizable; break;
            case "stale": mode = ReadConsistency.Stale; break;
            default: return Problems.Malformed($"consistency must be linearizable or stale, not '{consistency}'");
        }
        try
        {
            var entry = await client.GetAsync(key, mode, context.RequestAborted);
            if (entry is null) return Problems.NotFound(KeyPath.TextOf(key));
            context.Response.Headers.ETag = ConditionHeaders.ETagOf(entry.Version);
            if (entry.IsStale) context.Response.Headers["X-Kv-Stale"] = "true";
            return new ValueResult(entry.Value);
        }
        catch (KvException e) { return ErrorResult(e); }
    }

    private static async Task<IResult> PutAsync(HttpContext context, IKvClient client, KvApiOptions options)
    {
        if (!TryKey(context, options, out var key, out var problem)) return problem;
        if (!ConditionHeaders.TryParse(context.Request, out var condition, out var error)) return Problems.Malformed(error);
        var (outcome, body) = await BodyReader.ReadAsync(context.Request, options.MaxValueBytes, context.RequestAborted);
        if (BodyProblem(outcome, options) is { } bodyProblem) return bodyProblem;
        try
        {
            var version = await client.PutAsync(key, body, condition, context.RequestAborted);
            context.Response.Headers.ETag = ConditionHeaders.ETagOf(version);
            return condition.Kind == WriteConditionKind.MustNotExist
                ? new VersionResult(version, StatusCodes.Status201Created)
                : new VersionResult(version);
        }
        catch (KvException e) { return ErrorResult(e); }
    }

    private static async Task<IResult> PostAsync(HttpContext context, IKvClient client, KvApiOptions options, string? op)
    {
        if (!TryKey(context, options, out var key, out var problem)) return problem;
        if (op != "append") return Problems.Create(StatusCodes.Status400BadRequest, "unknown_operation", $"unknown operation '{op}'; POST supports ?op=append");
        if (!ConditionHeaders.TryParse(context.Request, out var condition, out var error)) return Problems.Malformed(error);
        var (outcome, body) = await BodyReader.ReadAsync(context.Request, options.MaxValueBytes, context.RequestAborted);
        if (BodyProblem(outcome, options) is { } bodyProblem) return bodyProblem;
        try
        {
            var version = await client.AppendAsync(key, body, condition, context.RequestAborted);
            context.Response.Headers.ETag = ConditionHeaders.ETagOf(version);
            return new VersionResult(version);
        }
        catch (KvException e) { return ErrorResult(e); }
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, IKvClient client, KvApiOptions options)
    {
        if (!TryKey(context, options, out var key, out var problem)) return problem;
        if (!ConditionHeaders.TryParse(context.Request, out var condition, out var error)) return Problems.Malformed(error);
        try
        {
            return await client.DeleteAsync(key, condition, context.RequestAborted) ? Results.NoContent() : Problems.NotFound(KeyPath.TextOf(key));
        }
        catch (KvException e) { return ErrorResult(e); }
    }

    private static async Task<IResult> ClusterAsync(IKvClient client, CancellationToken cancellationToken)
    {
        try
        {
            return Results.Json(await client.GetClusterViewAsync(cancellationToken));
        }
        catch (UnavailableException e)
        {
            return new WithHeaders(Problems.Create(StatusCodes.Status503ServiceUnavailable, "unavailable", e.Message), null, "1");
        }
    }

    private static async Task<IResult> ReadyAsync(KvApiOptions options, CancellationToken cancellationToken)
    {
        var ready = options.Readiness is null || await options.Readiness(cancellationToken);
        return ready ? Results.Ok(new { status = "ready" })
            : Problems.Create(StatusCodes.Status503ServiceUnavailable, "not_ready", "not every group hosted here has a leader yet");
    }

    private static bool TryKey(HttpContext context, KvApiOptions options, out byte[] key, out IResult problem)
    {
        problem = Results.Empty;
        if (!KeyPath.TryDecode(context, out key, out var error)) { problem = Problems.Malformed(error); return false; }
        if (key.Length > options.MaxKeyBytes)
        {
            problem = Problems.Create(StatusCodes.Status413PayloadTooLarge, "key_too_large", $"the key is {key.Length} bytes; the limit is {options.MaxKeyBytes}");
            return false;
        }
        return true;
    }

    private static IResult? BodyProblem(BodyReader.Outcome outcome, KvApiOptions options) => outcome switch
    {
        BodyReader.Outcome.TooLarge => Problems.Create(StatusCodes.Status413PayloadTooLarge, "value_too_large", $"the value is larger than {options.MaxValueBytes} bytes"),
        BodyReader.Outcome.Truncated => Problems.Malformed("the request body ended before its declared length"),
        _ => null,
    };

    // Maps the client library's typed errors to HTTP answers (one not known here goes on to the last-resort handler).
    private static IResult ErrorResult(KvException error)
    {
        switch (error)
        {
            case ConditionFailedException e:
                return new WithHeaders(Problems.Create(StatusCodes.Status412PreconditionFailed, "condition_failed", e.Message,
                    new() { ["currentVersion"] = e.CurrentVersion }), e.CurrentVersion == 0 ? null : ConditionHeaders.ETagOf(e.CurrentVersion), null);
            case KeyTooLargeException e: return Problems.Create(StatusCodes.Status413PayloadTooLarge, "key_too_large", e.Message);
            case ValueTooLargeException e: return Problems.Create(StatusCodes.Status413PayloadTooLarge, "value_too_large", e.Message);
            case BadRequestException e: return Problems.Malformed(e.Message);
            case UnavailableException e:
                return new WithHeaders(Problems.Create(StatusCodes.Status503ServiceUnavailable, "unavailable", e.Message), null, "1");
            case KvTimeoutException e:
                return Problems.Create(StatusCodes.Status504GatewayTimeout, "timeout", e.Message + " The outcome is unknown: read the key before retrying a non-idempotent write.");
            default:
                ExceptionDispatchInfo.Throw(error);
                return null!;
        }
    }

    private static async Task HandleUnexpectedAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        if (error is BadHttpRequestException bad)
        {
            await Problems.Create(bad.StatusCode, "malformed_request", "the HTTP request is malformed").ExecuteAsync(context);
            return;
        }
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansKv.Api")
            .LogError(error, "unexpected error serving {Method} {Path}", context.Request.Method, context.Request.Path);
        await Problems.Create(StatusCodes.Status500InternalServerError, "internal", "an unexpected error occurred; it has been logged").ExecuteAsync(context);
    }

    /// <summary>A result plus the ETag and Retry-After headers that go with it.</summary>
    private sealed class WithHeaders(IResult inner, string? etag, string? retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            if (etag is not null) context.Response.Headers.ETag = etag;
            if (retryAfter is not null) context.Response.Headers.RetryAfter = retryAfter;
            return inner.ExecuteAsync(context);
        }
    }
}

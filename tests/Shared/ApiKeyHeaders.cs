using System.Net.Http.Headers;

namespace OrleansKv.Testing;

/// <summary>The two ways a request presents the gateway's API key. Compiled into every test project that needs it.</summary>
internal static class ApiKeyHeaders
{
    public const string HeaderName = "X-Api-Key";

    /// <summary>Sends the key as <c>Authorization: Bearer &lt;key&gt;</c>.</summary>
    public static HttpRequestMessage WithBearer(this HttpRequestMessage request, string token)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    /// <summary>Sends the key as <c>X-Api-Key: &lt;key&gt;</c>.</summary>
    public static HttpRequestMessage WithApiKey(this HttpRequestMessage request, string key)
    {
        request.Headers.Add(HeaderName, key);
        return request;
    }
}

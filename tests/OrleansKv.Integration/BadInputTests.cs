using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OrleansKv.Integration;

public sealed class BadInputTests
{
    [Fact]
    public async Task Every_kind_of_bad_request_gets_its_typed_answer_and_the_cluster_keeps_serving()
    {
        await using var cluster = await TestCluster.StartAsync(groups: 1);
        var gateway = cluster.Silos[0].HttpUrl;
        var http = cluster.Http;

        await ExpectProblem(await http.GetAsync($"{gateway}/v1/kv/%FF%FE"), HttpStatusCode.BadRequest, "malformed_request");
        await ExpectProblem(await http.PutAsync($"{gateway}/v1/kv/{new string('k', 2048)}", new ByteArrayContent(Keys.Utf8("v"))), HttpStatusCode.RequestEntityTooLarge, "key_too_large");
        await ExpectProblem(await http.PutAsync($"{gateway}/v1/kv/big", new ByteArrayContent(new byte[(1 << 20) + 1])), HttpStatusCode.RequestEntityTooLarge, "value_too_large");
        await ExpectProblem(await http.PostAsync($"{gateway}/v1/kv/k?op=increment", new ByteArrayContent(Keys.Utf8("1"))), HttpStatusCode.BadRequest, "unknown_operation");
        await ExpectProblem(await http.SendAsync(new HttpRequestMessage(HttpMethod.Patch, $"{gateway}/v1/kv/k")), HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        await ExpectProblem(await http.GetAsync($"{gateway}/v1/kv/k?consistency=eventual"), HttpStatusCode.BadRequest, "malformed_request");
        await SendTruncatedBodyAsync(cluster.Silos[0].HttpPort);

        // A value exactly at the limit is accepted, and the cluster still serves.
        using var atLimit = await http.PutAsync($"{gateway}/v1/kv/big", new ByteArrayContent(new byte[1 << 20]));
        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);
        using var put = await http.PutAsync($"{gateway}/v1/kv/after", new ByteArrayContent(Keys.Utf8("still fine")));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("still fine", await http.GetStringAsync($"{gateway}/v1/kv/after"));
    }

    private static async Task ExpectProblem(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains($"\"{code}\"", body);
            Assert.DoesNotContain("   at ", body); // no stack trace
        }
    }

    // A body shorter than its Content-Length, then the client stops sending: the server must
    // answer 400 or close that connection, and keep serving others.
    private static async Task SendTruncatedBodyAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var request = "PUT /v1/kv/truncated HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nonly-ten-b";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        socket.Shutdown(SocketShutdown.Send);
        var buffer = new byte[4096];
        var received = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // The server dropped the connection: an acceptable answer to a body that never completes.
        }
        var answer = received.ToString();
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 400", StringComparison.Ordinal), $"unexpected answer to a truncated body: {answer}");
    }
}

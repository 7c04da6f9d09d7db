using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs;
using Xunit.Abstractions;

namespace OrleansKv.Integration;

/// <summary>
/// The deployment short of Azure: the published silo, started three times exactly as the compiled
/// ARM template starts its containers (its environment variables, the image's ENV, no arguments),
/// with only the settings in <see cref="LocalSubstitutions.Table"/> pointed at this machine and
/// Azurite instead of Azure.
/// </summary>
public sealed class ArmTemplateClusterTests(ITestOutputHelper output)
{
    private const int SiloCount = 3;

    // Only to ask the substitution table which variables it puts in place of a template variable.
    private static readonly LocalSilo Placeholder = new(1, 2, 3, "connection string", "api key");
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Three_published_silos_with_the_template_settings_on_Azurite_form_a_cluster_that_needs_the_key_and_survives_a_kill_9()
    {
        var template = await TemplateSiloEnvironment.ForEachSiloAsync(SiloCount);
        var image = ImageEnvironment.FromDockerfile();
        var published = await PublishedSilo.FolderAsync();
        await using var azurite = await Azurite.StartAsync(TimeSpan.FromSeconds(60));
        var apiKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var ports = FreePorts.Take(3 * SiloCount);
        var silos = new List<ContainerSiloProcess>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        try
        {
            for (var i = 0; i < SiloCount; i++)
            {
                var local = new LocalSilo(ports[3 * i], ports[3 * i + 1], ports[3 * i + 2], azurite.ConnectionString, apiKey);
                var environment = LocalSubstitutions.Apply(template[i], image, local);
                AssertOnlyTheTableIsSubstituted(template[i], image, environment);
                silos.Add(new ContainerSiloProcess(environment["Silo__Name"], published, environment));
            }
            Describe(template[0], silos[0].Environment);
            Assert.Equal(new[] { "silo1", "silo2", "silo3" }, silos.Select(s => s.Name));

            var started = Stopwatch.StartNew();
            foreach (var silo in silos) silo.Start();

            // The cluster forms: every silo is ready (no key needed), and each registered in Azurite's table.
            await Eventually.WaitAsync(async () =>
            {
                foreach (var silo in silos)
                {
                    using var ready = await http.GetAsync($"{silo.HttpUrl}/healthz/ready");
                    if (ready.StatusCode != HttpStatusCode.OK) return false;
                }
                return true;
            }, StartTimeout, "every silo to be ready");
            output.WriteLine($"3 silos ready {started.Elapsed.TotalSeconds:0.0} s after the start");
            var membership = new AzureMembershipTable(azurite.ConnectionString, silos[0].Environment["Silo__ClusterId"]);
            var rows = await membership.ReadSilosAsync();
            foreach (var silo in silos)
            {
                var row = Assert.Single(rows, r => r.SiloName == silo.Name && r.IsActive);
                Assert.Equal(int.Parse(silo.Environment["Silo__SiloPort"]), row.SiloPort);
                Assert.Equal(int.Parse(silo.Environment["Silo__GatewayPort"]), row.GatewayPort);
            }

            // Without the key: 401 problem+json from every gateway, and nothing written.
            foreach (var silo in silos)
            {
                using var refused = await http.SendAsync(Put(silo.HttpUrl, "unkeyed", "no key"));
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
                Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
                Assert.Contains("\"unauthorized\"", await refused.Content.ReadAsStringAsync());
            }
            using (var absent = await http.SendAsync(WithKey(Get(silos[0].HttpUrl, "unkeyed"), apiKey, bearer: true)))
                Assert.Equal(HttpStatusCode.NotFound, absent.StatusCode);

            // With the key, through every gateway (each gets both headers): each write read back through every gateway.
            var acknowledged = new Dictionary<string, ulong>();
            var groups = int.Parse(silos[0].Environment["Silo__Groups"]);
            var before = Keys.SpreadOverGroups("before", groups, perGroup: 3);
            for (var k = 0; k < before.Count; k++)
                acknowledged[before[k]] = await WriteAsync(http, silos[k % SiloCount], before[k], apiKey, bearer: k / SiloCount % 2 == 0);
            await ReadBackAsync(http, silos, acknowledged, apiKey);

            // kill -9 of the silo that leads the first group, by its process id.
            var leaderName = await LeaderOfFirstGroupAsync(http, silos[0].HttpUrl, apiKey);
            var killed = silos.Single(s => s.Name == leaderName);
            var pid = killed.ProcessId;
            killed.Kill();
            Assert.False(killed.IsRunning);
            var sinceKill = Stopwatch.StartNew();
            var survivors = silos.Where(s => s != killed).ToList();

            // The survivors take writes and serve every acknowledged one, within a bounded time.
            var after = Keys.SpreadOverGroups("after", groups, perGroup: 3);
            for (var k = 0; k < after.Count; k++)
                acknowledged[after[k]] = await WriteAsync(http, survivors[k % survivors.Count], after[k], apiKey, bearer: k / survivors.Count % 2 == 0);
            output.WriteLine($"killed {killed.Name} (pid {pid}, leader of the first group); {after.Count} writes through the survivors done {sinceKill.Elapsed.TotalSeconds:0.0} s later");
            await ReadBackAsync(http, survivors, acknowledged, apiKey);
            output.WriteLine($"all {acknowledged.Count} acknowledged writes read back through both survivors {sinceKill.Elapsed.TotalSeconds:0.0} s after the kill");

            // The Raft state went to Azurite, into the blob container the template names.
            var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(silos[0].Environment["Silo__AzureBlobContainer"]);
            var blobs = 0;
            await foreach (var _ in container.GetBlobsAsync()) blobs++;
            Assert.True(blobs > 0, $"no grain state in the blob container {container.Name}");
            foreach (var silo in silos) Assert.DoesNotContain(apiKey, silo.RecentLog);
        }
        catch (TimeoutException e)
        {
            // What the silos printed last is what explains a wait that ran out.
            throw new TimeoutException($"{e.Message}\n{Logs(silos)}", e);
        }
        finally
        {
            foreach (var silo in silos) silo.Dispose();
        }
    }

    // The substituted names are exactly the table's keys; every other template variable, and the
    // image's ENV (where the template does not set the same name), reaches the silo unchanged.
    private static void AssertOnlyTheTableIsSubstituted(
        IReadOnlyList<TemplateVariable> template, IReadOnlyList<(string Name, string Value)> image, IReadOnlyDictionary<string, string> environment)
    {
        var changed = template.Where(v => !environment.TryGetValue(v.Name, out var value) || value != v.Value).Select(v => v.Name);
        Assert.Equal(LocalSubstitutions.Table.Keys.Order(StringComparer.Ordinal), changed.Order(StringComparer.Ordinal));
        var templateNames = template.Select(v => v.Name).ToHashSet();
        foreach (var (name, value) in image.Where(e => !templateNames.Contains(e.Name))) Assert.Equal(value, environment[name]);
        var added = environment.Keys.Where(name => !templateNames.Contains(name) && image.All(e => e.Name != name));
        var replacements = LocalSubstitutions.Table.Values
            .SelectMany(s => s.Replace(Placeholder))
            .Select(r => r.Name).Where(name => !templateNames.Contains(name)).Distinct();
        Assert.Equal(replacements.Order(StringComparer.Ordinal), added.Order(StringComparer.Ordinal));
    }

    private void Describe(IReadOnlyList<TemplateVariable> template, IReadOnlyDictionary<string, string> environment)
    {
        output.WriteLine("silo1's container environment, from the compiled template:");
        foreach (var variable in template)
        {
            // Replacement values are not printed: one of them is the API key.
            var local = LocalSubstitutions.Table.TryGetValue(variable.Name, out var substitution)
                ? $"replaced by [{string.Join(", ", substitution.Replace(Placeholder).Select(r => r.Name))}]: {substitution.Reason}"
                : $"= {environment[variable.Name]}";
            output.WriteLine($"  {variable.Name}: {variable.Declared} {local}");
        }
    }

    // A write with the key, retried until acknowledged (a 503 or a lost answer while a group elects a
    // leader); returns the version it was acknowledged with.
    private static async Task<ulong> WriteAsync(HttpClient http, ContainerSiloProcess gateway, string key, string apiKey, bool bearer)
    {
        var etag = await Eventually.WaitAsync(async () =>
        {
            using var response = await http.SendAsync(WithKey(Put(gateway.HttpUrl, key, "value-of-" + key), apiKey, bearer));
            return response.StatusCode == HttpStatusCode.OK ? response.Headers.ETag!.Tag : null;
        }, RecoveryTimeout, $"PUT {key} through {gateway.Name}");
        return ulong.Parse(etag.Trim('"'));
    }

    // Every acknowledged write, read through every given gateway (linearizable reads), with its value and version.
    private static async Task ReadBackAsync(HttpClient http, IEnumerable<ContainerSiloProcess> gateways, Dictionary<string, ulong> acknowledged, string apiKey)
    {
        foreach (var gateway in gateways)
        {
            var n = 0;
            foreach (var (key, version) in acknowledged)
            {
                var bearer = n++ % 2 == 0;
                var (status, value, etag) = await Eventually.WaitAsync(async () =>
                {
                    using var response = await http.SendAsync(WithKey(Get(gateway.HttpUrl, key), apiKey, bearer));
                    // A read without a leader answers 503; anything else is the answer.
                    return response.StatusCode == HttpStatusCode.ServiceUnavailable
                        ? null
                        : Tuple.Create(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.ETag?.Tag);
                }, RecoveryTimeout, $"GET {key} through {gateway.Name}");
                Assert.True(status == HttpStatusCode.OK, $"GET {key} through {gateway.Name}: {(int)status} {value}");
                Assert.Equal("value-of-" + key, value);
                // Not lower than acknowledged; higher only if a retried write's lost first attempt applied after it.
                var read = ulong.Parse(etag!.Trim('"'));
                Assert.True(read >= version, $"{key} read at version {read} through {gateway.Name}, acknowledged at {version}");
            }
        }
    }

    private static async Task<string> LeaderOfFirstGroupAsync(HttpClient http, string gateway, string apiKey) =>
        await Eventually.WaitAsync(async () =>
        {
            using var response = await http.SendAsync(WithKey(new HttpRequestMessage(HttpMethod.Get, $"{gateway}/v1/cluster"), apiKey, bearer: true));
            if (response.StatusCode != HttpStatusCode.OK) return null;
            using var view = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var leader = view.RootElement.GetProperty("groups")[0].GetProperty("leader").GetString();
            return string.IsNullOrEmpty(leader) ? null : leader;
        }, RecoveryTimeout, "a leader of the first group");

    private static HttpRequestMessage Put(string gateway, string key, string value) =>
        new(HttpMethod.Put, $"{gateway}/v1/kv/{key}") { Content = new ByteArrayContent(Keys.Utf8(value)) };

    private static HttpRequestMessage Get(string gateway, string key) => new(HttpMethod.Get, $"{gateway}/v1/kv/{key}");

    // The two ways a client may send the key: Authorization: Bearer, or X-Api-Key.
    private static HttpRequestMessage WithKey(HttpRequestMessage request, string apiKey, bool bearer)
    {
        if (bearer) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        else request.Headers.Add("X-Api-Key", apiKey);
        return request;
    }

    private static string Logs(IEnumerable<ContainerSiloProcess> silos) =>
        string.Join("\n", silos.Select(s => $"--- {s.Name}\n{s.RecentLog}"));
}

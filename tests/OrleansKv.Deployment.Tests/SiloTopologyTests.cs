using System.Text.Json;

namespace OrleansKv.Deployment.Tests;

/// <summary>
/// One Container App per silo, each exactly one replica; the HTTP gateway is the only ingress that
/// leaves the environment, on HTTPS; the Orleans ports stay inside; the probes cannot keep the
/// peers out of a silo that has not found its leaders yet.
/// </summary>
public sealed class SiloTopologyTests
{
    [Fact]
    public async Task The_silo_app_is_deployed_once_per_silo_each_with_its_own_ports()
    {
        var silo = await SiloApp.LoadAsync();
        var module = silo.App.Module!;
        Assert.True(module.Json.TryGetProperty("copy", out var copy), "the silo module is not deployed in a loop over the silos");
        Assert.Contains("siloNames", copy.GetProperty("count").GetString());
        // Silo i gets 11110+i and 30000+i: distinct ports, as TCP ingress ports of one environment.
        Assert.Contains("copyIndex()", module.ParameterValue("siloPort"));
        Assert.Contains("copyIndex()", module.ParameterValue("gatewayPort"));
        Assert.Contains("copyIndex()", module.ParameterValue("name"));
        // One image for all of them.
        Assert.Equal("siloImage", SiloApp.ParameterIn(module.ParameterValue("image")));
    }

    [Fact]
    public async Task A_deployment_updates_the_silo_apps_one_at_a_time()
    {
        var copy = (await SiloApp.LoadAsync()).App.Module!.Json.GetProperty("copy");
        Assert.Equal("serial", copy.GetProperty("mode").GetString());
        Assert.Equal(1, copy.GetProperty("batchSize").GetInt32());
    }

    [Fact]
    public async Task Each_silo_app_runs_exactly_one_replica()
    {
        var silo = await SiloApp.LoadAsync();
        var scale = silo.App.Properties.GetProperty("template").GetProperty("scale");
        Assert.Equal(1, scale.GetProperty("minReplicas").GetInt32());
        Assert.Equal(1, scale.GetProperty("maxReplicas").GetInt32());
        Assert.False(scale.TryGetProperty("rules", out _), "a silo app must not scale");
        Assert.Equal("Single", silo.Configuration.GetProperty("activeRevisionsMode").GetString());
    }

    [Fact]
    public async Task Only_the_HTTP_gateway_is_reachable_from_outside_the_environment_and_only_over_HTTPS()
    {
        var silo = await SiloApp.LoadAsync();
        var ingress = silo.Ingress;
        Assert.True(ingress.GetProperty("external").GetBoolean());
        Assert.Equal("http", ingress.GetProperty("transport").GetString());
        Assert.False(ingress.GetProperty("allowInsecure").GetBoolean());

        // The Orleans ports are further TCP ports of the same ingress, internal to the environment,
        // on the very ports the silo is told to listen on.
        var mappings = ingress.GetProperty("additionalPortMappings").EnumerateArray().ToList();
        Assert.Equal(2, mappings.Count);
        Assert.All(mappings, m => Assert.False(m.GetProperty("external").GetBoolean()));
        var siloPort = SiloApp.ParameterIn(silo.Variable("Silo__SiloPort").Value!);
        var gatewayPort = SiloApp.ParameterIn(silo.Variable("Silo__GatewayPort").Value!);
        Assert.Equal(new[] { siloPort, gatewayPort }, mappings.Select(m => SiloApp.ParameterIn(m.GetProperty("targetPort").GetString()!)));
        Assert.Equal(new[] { siloPort, gatewayPort }, mappings.Select(m => SiloApp.ParameterIn(m.GetProperty("exposedPort").GetString()!)));

        // The environment itself is external, or the gateway could not be public.
        var environment = (await CompiledTemplate.LoadAsync()).Single("Microsoft.App/managedEnvironments");
        Assert.False(environment.Properties.GetProperty("vnetConfiguration").GetProperty("internal").GetBoolean());
    }

    [Fact]
    public async Task Liveness_asks_the_HTTP_gateway_and_startup_and_readiness_ask_the_silo_port_the_peers_connect_to()
    {
        var silo = await SiloApp.LoadAsync();
        var probes = silo.Container.GetProperty("probes").EnumerateArray().ToDictionary(p => p.GetProperty("type").GetString()!);
        Assert.Equal(new[] { "Liveness", "Readiness", "Startup" }, probes.Keys.Order());

        var liveness = probes["Liveness"].GetProperty("httpGet");
        Assert.Equal("/healthz/live", liveness.GetProperty("path").GetString());
        Assert.Equal(silo.Ingress.GetProperty("targetPort").GetInt32(), liveness.GetProperty("port").GetInt32());

        // Readiness gates every ingress port, the Orleans ones too: /healthz/ready (which needs the
        // peers) would keep the peers out for ever. The silo port is open before the silo joins.
        var siloPort = SiloApp.ParameterIn(silo.Variable("Silo__SiloPort").Value!);
        foreach (var type in new[] { "Startup", "Readiness" })
        {
            Assert.False(probes[type].TryGetProperty("httpGet", out _), $"{type} must not wait for the cluster");
            Assert.Equal(siloPort, SiloApp.ParameterIn(probes[type].GetProperty("tcpSocket").GetProperty("port").GetString()!));
        }
    }

    [Fact]
    public async Task The_silo_pulls_its_image_with_the_managed_identity_it_runs_as()
    {
        var silo = await SiloApp.LoadAsync();
        var registry = Assert.Single(silo.Configuration.GetProperty("registries").EnumerateArray());
        var identity = SiloApp.ParameterIn(registry.GetProperty("identity").GetString()!);
        Assert.False(registry.TryGetProperty("passwordSecretRef", out _));
        Assert.False(registry.TryGetProperty("username", out _));

        var assigned = silo.App.Json.GetProperty("identity");
        Assert.Equal("UserAssigned", assigned.GetProperty("type").GetString());
        var assignedIdentity = Assert.Single(assigned.GetProperty("userAssignedIdentities").EnumerateObject());
        Assert.Equal(identity, SiloApp.ParameterIn(assignedIdentity.Name));
        // The identity DefaultAzureCredential picks is the same one.
        Assert.Equal("identityClientId", SiloApp.ParameterIn(silo.Variable("AZURE_CLIENT_ID").Value!));
    }
}

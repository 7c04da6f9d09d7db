using System.Diagnostics;
using System.Reflection;

namespace OrleansKv.Api.Tests;

/// <summary>The standalone gateway program (src/Api) as a real process: how it takes its API key.</summary>
public sealed class StandaloneGatewayTests
{
    [Fact]
    public async Task The_standalone_gateway_refuses_a_short_key_from_its_command_line_or_environment_with_one_line_before_connecting()
    {
        const string key = "fifteen-chars-x";
        // Port 1 has no Orleans gateway: a program that got as far as connecting would fail differently.
        var fromFlag = await RunAsync(["--gateways", "127.0.0.1:1", "--apikey", key], environment: null);
        var fromEnvironment = await RunAsync(["--gateways", "127.0.0.1:1"], environment: ("ApiKey", key));

        foreach (var (exitCode, error) in new[] { fromFlag, fromEnvironment })
        {
            Assert.Equal(2, exitCode);
            Assert.DoesNotContain('\n', error.Trim());
            Assert.StartsWith("orleanskv gateway: the API key (--apikey or ApiKey) is 15 characters long", error);
            Assert.DoesNotContain(key, error);
        }
    }

    // Runs the built gateway program to its end (60 s at most; killed by its process id after that).
    private static async Task<(int ExitCode, string Error)> RunAsync(string[] arguments, (string Name, string Value)? environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(GatewayAssemblyPath);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        if (environment is { } variable) start.Environment[variable.Name] = variable.Value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the gateway program");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the gateway program was still running after 60 s:\n{await output}\n{await error}");
        }
        await output;
        return (process.ExitCode, await error);
    }

    // The program as its project built it, in the configuration these tests were built in.
    private static string GatewayAssemblyPath
    {
        get
        {
            var configuration = typeof(StandaloneGatewayTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
            var path = Path.Combine(RepositoryRoot.Path, "src", "Api", "bin", configuration, "net10.0", "OrleansKv.Api.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("the gateway program is not built", path);
        }
    }
}

using OrleansKv.Grains;

namespace OrleansKv.Silo.Hosting;

/// <summary>
/// Endpoints that cut this silo off from its peers and heal it again, for the partition tests.
/// Mapped only with Silo:EnableTestFaults. The cut is at the Raft layer (peers drop every Raft
/// message in and out; the gateway reaches only this silo's replicas); Orleans's own membership
/// traffic still flows, so the silo is not declared dead.
/// </summary>
internal static class TestFaultEndpoints
{
    public static void Map(WebApplication app)
    {
        var gate = app.Services.GetRequiredService<RaftTrafficGate>();
        app.MapPost("/test/faults/isolate", () => { gate.IsIsolated = true; return Results.NoContent(); });
        app.MapPost("/test/faults/heal", () => { gate.IsIsolated = false; return Results.NoContent(); });
    }
}

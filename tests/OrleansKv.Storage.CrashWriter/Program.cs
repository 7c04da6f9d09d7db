// Usage: OrleansKv.Storage.CrashWriter <directory> <writers> <payload bytes>
// Each writer w writes byte[] states of grain "w<w>" with values 1, 2, 3, ... (each payload is
// CrashPayload.Create(w, value, size)) and prints "ack <w> <value> <etag>" once a write is durable.
// It runs until it is killed.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using OrleansKv.Storage.CrashWriter;
using OrleansKv.Storage.GrainStorage;

var directory = args[0];
var writers = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
var size = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);

using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
var options = new FileGrainStorageOptions
{
    Directory = directory,
    SegmentBytes = 256 * 1024,
    GrainStorageSerializer = new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()),
};
var storage = new FileGrainStorage("file", options, services.GetRequiredService<IActivatorProvider>(), NullLogger<FileGrainStorage>.Instance);
await storage.OpenAsync();
Console.Out.WriteLine("ready");

await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
{
    string? etag = null;
    for (var value = 1L; ; value++)
    {
        var state = new GrainState<byte[]>(CrashPayload.Create(w, value, size), etag);
        await storage.WriteStateAsync("state", GrainId.Create("crash", $"w{w}"), state);
        etag = state.ETag;
        Console.Out.WriteLine($"ack {w} {value} {etag}");
    }
})));

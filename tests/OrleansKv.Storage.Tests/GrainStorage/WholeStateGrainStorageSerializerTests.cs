using Orleans.Storage;
using OrleansKv.Storage.GrainStorage;

namespace OrleansKv.Storage.Tests.GrainStorage;

public sealed class WholeStateGrainStorageSerializerTests
{
    /// <summary>A streaming serializer that records which half was used.</summary>
    private sealed class RecordingSerializer : IGrainStorageStreamingSerializer
    {
        public readonly List<string> Calls = [];

        public BinaryData Serialize<T>(T? input) { Calls.Add("Serialize"); return BinaryData.FromString($"<{input}>"); }

        public T? Deserialize<T>(BinaryData input) { Calls.Add("Deserialize"); return (T)(object)input.ToString().Trim('<', '>'); }

        public ValueTask SerializeAsync<T>(T? input, Stream destination, CancellationToken cancellationToken = default) => throw new InvalidOperationException("streamed");

        public ValueTask<T?> DeserializeAsync<T>(Stream input, CancellationToken cancellationToken = default) => throw new InvalidOperationException("streamed");
    }

    [Fact]
    public void It_offers_no_streaming_and_hands_whole_buffers_to_the_serializer_it_wraps()
    {
        var inner = new RecordingSerializer();
        IGrainStorageSerializer whole = new WholeStateGrainStorageSerializer(inner);

        Assert.IsNotAssignableFrom<IGrainStorageStreamingSerializer>(whole);
        var bytes = whole.Serialize("state");
        Assert.Equal("<state>", bytes.ToString());
        Assert.Equal("state", whole.Deserialize<string>(bytes));
        Assert.Equal(["Serialize", "Deserialize"], inner.Calls);
    }

    [Fact]
    public void Wrapping_twice_wraps_once()
    {
        var inner = new RecordingSerializer();
        var twice = new WholeStateGrainStorageSerializer(new WholeStateGrainStorageSerializer(inner));
        Assert.Same(inner, twice.Inner);
    }
}

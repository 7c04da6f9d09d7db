namespace OrleansKv.Storage.Tests.GrainStorage;

/// <summary>A grain state for the provider tests (Orleans binary serializer, hence GenerateSerializer).</summary>
[GenerateSerializer]
public sealed class TestState
{
    [Id(0)] public int Value { get; set; }
    [Id(1)] public string Text { get; set; } = "";
    [Id(2)] public byte[]? Blob { get; set; }
}

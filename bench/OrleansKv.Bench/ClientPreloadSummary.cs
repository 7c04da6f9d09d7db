using System.Text.Json.Serialization;

namespace OrleansKv.Bench;

/// <summary>How the client benchmark's preload went: every key put once by <see cref="ClientPreloader"/>.</summary>
internal sealed record ClientPreloadSummary(
    [property: JsonPropertyName("puts")] int Puts,
    [property: JsonPropertyName("callers")] int Callers,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("errors")] long Errors);

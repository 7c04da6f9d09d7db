namespace OrleansKv.Integration;

/// <summary>A template value that only Azure knows at deployment time (an id, a generated name, a resource's endpoint).</summary>
internal sealed class NotEvaluableOfflineException(string what) : Exception($"{what} cannot be evaluated without Azure");

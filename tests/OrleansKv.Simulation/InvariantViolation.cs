namespace OrleansKv.Simulation;

/// <summary>A safety or liveness property of the cluster does not hold: the seed fails.</summary>
public sealed class InvariantViolation(string message) : Exception(message);

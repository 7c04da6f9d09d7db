namespace OrleansKv.Storage.GrainStorage;

/// <summary>
/// A write or fsync of the state log failed. Whether the batch reached the disk is unknown, so
/// the provider fails that batch and every later write until it is reopened (after a restart,
/// recovery decides from what is on disk).
/// </summary>
public sealed class FileGrainStorageFailedException(string message, Exception? inner = null) : IOException(message, inner);

namespace OrleansKv.Linearizability;

/// <summary>What the store answered, as far as the client saw it.</summary>
public enum KvOutcome : byte
{
    /// <summary>No answer (timeout, crash): the operation may or may not have taken effect, at any time after its call.</summary>
    Unknown = 0,

    /// <summary>Get: the key exists (value and optionally version reported).</summary>
    Found,

    /// <summary>Get: the key is absent.</summary>
    NotFound,

    /// <summary>Put or Append: acknowledged, optionally with the version the store assigned.</summary>
    Written,

    /// <summary>Delete: the key existed and is now removed.</summary>
    Deleted,

    /// <summary>Delete: the key did not exist.</summary>
    DeletedNothing,

    /// <summary>Delete: acknowledged, without saying whether the key existed.</summary>
    DeleteAcknowledged,

    /// <summary>CompareAndSet: the version matched and the value was written (optionally with the new version).</summary>
    Swapped,

    /// <summary>CompareAndSet: the version did not match, nothing was written (optionally with the current version, 0 = absent).</summary>
    SwapRejected,
}

namespace OrleansKv.Testing;

/// <summary>The folder of the repository the tests were built from (the one holding OrleansKv.sln).</summary>
internal static class RepositoryRoot
{
    /// <summary>The repository's root folder, found above the test assembly's output folder.</summary>
    public static string Path
    {
        get
        {
            var root = AppContext.BaseDirectory;
            while (root is not null && !File.Exists(System.IO.Path.Combine(root, "OrleansKv.sln"))) root = System.IO.Path.GetDirectoryName(root);
            return root ?? throw new InvalidOperationException("cannot find the repository root (OrleansKv.sln) above " + AppContext.BaseDirectory);
        }
    }
}

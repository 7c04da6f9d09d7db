namespace OrleansKv.Integration;

/// <summary>The repository the tests were built from: the nearest folder above them that holds OrleansKv.sln.</summary>
internal static class RepositoryRoot
{
    public static string Find()
    {
        var folder = AppContext.BaseDirectory;
        while (folder is not null && !File.Exists(Path.Combine(folder, "OrleansKv.sln"))) folder = Path.GetDirectoryName(folder);
        return folder ?? throw new InvalidOperationException("cannot find the repository root (OrleansKv.sln) above " + AppContext.BaseDirectory);
    }
}

namespace OrleansKv.Simulation;

// Placeholder entry point; replaced by the simulation's command-line runner.
public static class Program
{
    public static int Main(string[] args) => 0;
}

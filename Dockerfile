# The OrleansKv silo image: one image for every silo of a cluster; the settings come from the
# environment (Silo__Name=silo1, ...; infra/modules/silo.bicep sets them in Azure).
# Build from the repository root: docker build -t orleanskv-silo .

# --- build: publish src/Silo with the SDK that global.json asks for ---
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/ src/
RUN dotnet publish src/Silo/OrleansKv.Silo.csproj -c Release -o /app

# --- runtime: the ASP.NET Core runtime only, as the image's unprivileged app user ---
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app .

# The runtime knobs a silo process is started with (OrleansKv.Silo.SiloProcessEnvironment): the GC
# reads them before any code runs. DOTNET_GCgen0size: an 8 MiB gen0 budget keeps each silo's heap
# small on large-cache CPUs.
ENV DOTNET_GCgen0size=0x800000

# The HTTP gateway, then the silo-to-silo and Orleans gateway port ranges: silo i of a cluster
# uses 11110+i and 30000+i (infra/main.bicep).
EXPOSE 8080 11111-11119 30001-30009

USER $APP_UID
ENTRYPOINT ["dotnet", "OrleansKv.Silo.dll"]

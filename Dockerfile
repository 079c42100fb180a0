# syntax=docker/dockerfile:1
# EnvoyTraceFilter: build with the .NET SDK, run on the chiseled ASP.NET Core runtime (no shell, no package
# manager, non-root). Build where base images can be pulled: docker build -t envoy-trace-filter .

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1
# Restore first, from the project files only, so source edits reuse the cached package layer.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY protos/EnvoyTraceFilter.Protos.csproj protos/
COPY filter/EnvoyTraceFilter.Core/EnvoyTraceFilter.Core.csproj filter/EnvoyTraceFilter.Core/
COPY filter/EnvoyTraceFilter/EnvoyTraceFilter.csproj filter/EnvoyTraceFilter/
RUN dotnet restore filter/EnvoyTraceFilter
COPY protos/ protos/
COPY filter/EnvoyTraceFilter.Core/ filter/EnvoyTraceFilter.Core/
COPY filter/EnvoyTraceFilter/ filter/EnvoyTraceFilter/
# The same command as `make publish` (framework-dependent).
RUN dotnet publish filter/EnvoyTraceFilter -c Release -o out/publish

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="EnvoyTraceFilter" \
      org.opencontainers.image.description="Envoy ext_proc service: trace context translation, client IP and service naming, spans to Zipkin and AWS X-Ray" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled"
WORKDIR /app
COPY --from=build /src/out/publish/ ./
# Non-root "app" user of the chiseled image (uid 1654). Nothing is written outside /tmp, so the root filesystem
# can be read-only (the chart mounts an in-memory /tmp; .NET's diagnostics socket lives there).
USER 1654:1654
# The service reads appsettings.json next to the binary; TRACEFILTER_CONFIG_FILE names an extra JSON file.
# The base image sets ASPNETCORE_HTTP_PORTS=8080; the service binds its own ports from configuration, and the
# empty value spares the "Overriding address(es) 'http://*:8080'" warning at every start.
ENV ASPNETCORE_HTTP_PORTS=""
# 50051: ext_proc gRPC (h2c) and grpc.health.v1; 9901: admin HTTP/1.1 (/healthz, /readyz, /metrics).
EXPOSE 50051 9901
ENTRYPOINT ["dotnet", "EnvoyTraceFilter.dll"]

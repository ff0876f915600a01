# Keyway in a container. Build: docker build -t keyway .   Run: see compose.yaml, or
#   docker run -p 8080:8080 -e KEYWAY_ADMIN_TOKEN=... -e DATASOURCES_DEFAULT_URL=jdbc:postgresql://db:5432/keyway \
#     -e DATASOURCES_DEFAULT_USERNAME=keyway -e DATASOURCES_DEFAULT_PASSWORD=... keyway
# Without DATASOURCES_DEFAULT_URL the embedded PostgreSQL starts inside the container (one machine, development only).

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -ntp -DskipTests install

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin keyway \
 && mkdir -p /app/keyway-data && chown -R keyway /app
WORKDIR /app
COPY --from=build /src/bootstrap/target/keyway.jar /app/keyway.jar
USER 10001
EXPOSE 8080
# Sized by the container's memory limit rather than a fixed heap; serial GC as in ./keyway (see BENCHMARKS.md).
ENV JAVA_OPTS="-XX:MaxRAMPercentage=70 -Xmn64m -XX:SurvivorRatio=3 -XX:TargetSurvivorRatio=90 -XX:+UseSerialGC -XX:MinHeapFreeRatio=50 -XX:MaxHeapFreeRatio=70 -Xss512k -XX:ReservedCodeCacheSize=64m -XX:TrimNativeHeapInterval=5000 -XX:+ExitOnOutOfMemoryError" \
    MALLOC_ARENA_MAX=2 \
    KEYWAY_DATA_DIR=/app/keyway-data
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 CMD curl -fsS http://127.0.0.1:8080/health || exit 1
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/keyway.jar \"$@\"", "keyway"]

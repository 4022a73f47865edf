package io.llmgateway.system.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.testsupport.InfraLocator;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The whole suite, packaged, running as real processes: the simulator and the four services on free
 * ports, against the machine's real Redis and PostgreSQL, with private databases and a private Redis
 * key prefix. Started once per test JVM and shared by every system test; stopped (and its databases
 * dropped) when the JVM exits.
 */
public final class GatewaySuite {

    public static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    private static GatewaySuite instance;

    private final SuiteHttp http = new SuiteHttp(JSON);
    private final Path repoRoot;
    private final String runId = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final String operatorToken = UUID.randomUUID().toString();
    private final InfraLocator.Postgres postgres = InfraLocator.postgres();
    private final InfraLocator.Redis redis = InfraLocator.redis();
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new HashMap<>();
    private final OtlpReceiver traces;
    private String apiKey;
    private String managementKey;
    private String accountId;

    private GatewaySuite(Path repoRoot) {
        this.repoRoot = repoRoot;
        try {
            this.traces = new OtlpReceiver();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the test trace receiver", e);
        }
    }

    public static synchronized GatewaySuite get() {
        if (instance == null) {
            GatewaySuite suite = new GatewaySuite(locateRepoRoot());
            try {
                suite.start();
            } catch (Exception e) {
                suite.stop();
                throw new IllegalStateException("the suite did not start: " + e.getMessage(), e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(suite::stop));
            instance = suite;
        }
        return instance;
    }

    private void start() throws Exception {
        for (String module : List.of("provider-simulator", "catalog-service", "auth-service", "metering-service",
                "routing-service")) {
            ports.put(module, ServiceProcess.freePort());
        }
        for (String db : List.of("catalog", "auth", "metering")) {
            postgres.execute("CREATE DATABASE " + database(db));
        }
        for (String module : ports.keySet().stream().sorted().toList()) {
            services.put(module, ServiceProcess.start(repoRoot, module, ports.get(module), environment(module),
                    List.of()));
        }
        for (ServiceProcess service : services.values()) {
            service.awaitReady(Duration.ofSeconds(150));
        }
        bootstrapAccount();
    }

    private Map<String, String> environment(String module) {
        Map<String, String> env = SuiteEnvironment.of(module, redis.url(), redisPrefix(), operatorToken, this::local,
                postgres, this::database);
        // Every service exports its spans to the in-test collector, so traces can be followed end to end.
        env.put("QUARKUS_OTEL_SDK_DISABLED", "false");
        env.put("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", traces.endpoint());
        env.put("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf");
        env.put("QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "100ms");
        return env;
    }

    private void bootstrapAccount() throws IOException, InterruptedException {
        Account account = createAccount("25.00");
        accountId = account.accountId();
        managementKey = account.managementKey();
        apiKey = account.inferenceKey();
    }

    /** A new account with its own credits, management key and inference key. */
    public Account createAccount(String credits) throws IOException, InterruptedException {
        return http.createAccount(local("auth-service"), operatorToken, baseUrl(), "system-test", credits);
    }

    public record Account(String accountId, String managementKey, String inferenceKey, String inferenceKeyHash) {
    }

    public JsonNode post(String url, String bearer, String body) throws IOException, InterruptedException {
        return http.post(url, bearer, body);
    }

    public HttpResponse<String> send(String method, String url, String bearer, String body)
            throws IOException, InterruptedException {
        return http.send(method, url, bearer, body, Duration.ofSeconds(30));
    }

    /** Configures one simulated provider (see provider-simulator/README.md). */
    public void simulate(String provider, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = send("PUT", simulatorUrl() + "/sim/providers/" + provider, null, json);
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("simulator refused " + json + ": " + response.body());
        }
    }

    public void resetSimulator() throws IOException, InterruptedException {
        send("DELETE", simulatorUrl() + "/sim/providers", null, null);
    }

    public OtlpReceiver traces() {
        return traces;
    }

    public String baseUrl() {
        return local("routing-service") + "/api/v1";
    }

    public String simulatorUrl() {
        return local("provider-simulator");
    }

    public String serviceUrl(String module) {
        return local(module);
    }

    public ServiceProcess service(String module) {
        return services.get(module);
    }

    public String apiKey() {
        return apiKey;
    }

    public String managementKey() {
        return managementKey;
    }

    public String accountId() {
        return accountId;
    }

    public String operatorToken() {
        return operatorToken;
    }

    public String redisPrefix() {
        return "sys:" + runId + ":";
    }

    public InfraLocator.Redis redis() {
        return redis;
    }

    public Path repoRoot() {
        return repoRoot;
    }

    private String local(String module) {
        return "http://127.0.0.1:" + ports.get(module);
    }

    private String database(String name) {
        return "gw_sys_" + runId + "_" + name;
    }

    private synchronized void stop() {
        List<ServiceProcess> running = new java.util.ArrayList<>(services.values());
        java.util.Collections.reverse(running);
        for (ServiceProcess service : running) {
            try {
                service.close();
            } catch (Exception e) {
                // best effort at shutdown
            }
        }
        services.clear();
        traces.close();
        io.llmgateway.testsupport.RedisPrefixCleaner.delete(redis, redisPrefix());
        for (String db : List.of("catalog", "auth", "metering")) {
            try {
                postgres.execute("DROP DATABASE IF EXISTS " + database(db) + " WITH (FORCE)");
            } catch (RuntimeException e) {
                // best effort at shutdown
            }
        }
    }

    public static Path locateRepoRoot() {
        String configured = System.getProperty("gateway.repo.root");
        Path candidate = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path p = candidate.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("services")) && Files.exists(p.resolve("routing-service"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root from " + candidate);
    }
}

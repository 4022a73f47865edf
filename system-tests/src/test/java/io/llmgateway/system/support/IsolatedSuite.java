package io.llmgateway.system.support;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.testsupport.InfraLocator;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A private copy of the whole suite for fault tests: the simulator and the four services as processes
 * on free ports against a Redis the test owns (given by URL, e.g. a {@link PrivateRedis}) and private
 * databases on the shared PostgreSQL, or on a {@link PrivatePostgres} the test owns (created here,
 * dropped on {@link #close()}). Unlike {@link GatewaySuite} it is not shared, so a test may kill,
 * restart and replace its processes.
 */
public final class IsolatedSuite implements AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).findAndRegisterModules();
    private static final List<String> MODULES = List.of("provider-simulator", "catalog-service", "auth-service",
            "metering-service", "routing-service");

    private final SuiteHttp http = new SuiteHttp(JSON);
    private final Path repoRoot = GatewaySuite.locateRepoRoot();
    private final String redisUrl;
    private final String runId = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final String operatorToken = UUID.randomUUID().toString();
    private final InfraLocator.Postgres postgres;
    /** Per module, settings a test adds on top of the suite's (every process of that module gets them). */
    private final Map<String, Map<String, String>> extraEnv;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    /** Every process this suite started, replaced ones included, for log tails. */
    private final List<ServiceProcess> history = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Integer> ports = new HashMap<>();
    private final List<String> databases = new ArrayList<>();
    private Path spillDir;

    private IsolatedSuite(String redisUrl, InfraLocator.Postgres postgres, Map<String, Map<String, String>> extraEnv) {
        this.redisUrl = redisUrl;
        this.postgres = postgres;
        this.extraEnv = extraEnv;
    }

    /**
     * Starts the suite against the given Redis and the shared PostgreSQL; on failure everything started is
     * stopped again.
     */
    public static IsolatedSuite start(String redisUrl) throws Exception {
        return start(redisUrl, InfraLocator.postgres(), Map.of());
    }

    /**
     * Starts the suite against the given Redis and PostgreSQL, each module with the suite's environment
     * plus {@code extraEnv.get(module)}; on failure everything started is stopped again.
     */
    public static IsolatedSuite start(String redisUrl, InfraLocator.Postgres postgres,
            Map<String, Map<String, String>> extraEnv) throws Exception {
        IsolatedSuite suite = new IsolatedSuite(redisUrl, postgres, extraEnv);
        try {
            suite.startAll();
        } catch (Exception | Error e) {
            String tails = suite.logTails();
            suite.close();
            throw new IllegalStateException("the isolated suite did not start: " + e.getMessage() + "\n" + tails, e);
        }
        return suite;
    }

    private void startAll() throws Exception {
        spillDir = Files.createTempDirectory("gw-usage-spill-");
        for (String module : MODULES) {
            ports.put(module, ServiceProcess.freePort());
        }
        for (String db : List.of("catalog", "auth", "metering")) {
            postgres.execute("CREATE DATABASE " + database(db));
            databases.add(database(db));
        }
        for (String module : MODULES) {
            ServiceProcess process = ServiceProcess.start(repoRoot, module, ports.get(module), environment(module),
                    List.of());
            services.put(module, process);
            history.add(process);
        }
        for (ServiceProcess service : services.values()) {
            service.awaitReady(Duration.ofSeconds(120));
        }
    }

    /** The environment of one module: the same for a replacement process as for the first one. */
    public Map<String, String> environment(String module) {
        Map<String, String> env = SuiteEnvironment.of(module, redisUrl, "rel:" + runId + ":", operatorToken,
                this::local, postgres, this::database);
        env.put("GATEWAY_USAGE_SPILL_DIR", spillDir.toString());
        env.putAll(extraEnv.getOrDefault(module, Map.of()));
        return env;
    }

    /**
     * Starts the module again on its own port (the old process must be dead, e.g. {@link ServiceProcess#kill()}),
     * so the other services reach it at the URL they were configured with; waits until it is ready.
     */
    public ServiceProcess restart(String module) throws Exception {
        ServiceProcess old = services.get(module);
        if (old.isAlive()) {
            throw new IllegalStateException(module + " is still running");
        }
        ServiceProcess process = ServiceProcess.start(repoRoot, module, old.port(), environment(module), List.of());
        history.add(process);
        services.put(module, process);
        process.awaitReady(Duration.ofSeconds(90));
        return process;
    }

    /**
     * Starts a new process of a module on a new port with the module's environment plus {@code extraEnv}
     * (the old process should be dead already), waits until it is ready and makes it the module's
     * current process. Other services keep their configured URL of the old one.
     */
    public ServiceProcess replace(String module, Map<String, String> extraEnv) throws Exception {
        Map<String, String> env = environment(module);
        env.putAll(extraEnv);
        ServiceProcess process = ServiceProcess.start(repoRoot, module, ServiceProcess.freePort(), env, List.of());
        history.add(process);
        services.put(module, process);
        process.awaitReady(Duration.ofSeconds(90));
        return process;
    }

    /**
     * Starts one more process of a module (a replica) with the module's environment, on {@code port} (0: a
     * free one), and waits until it is ready. The module's other processes keep running; the other services
     * keep the URL of the module's first process. {@link #close()} stops it with the rest.
     */
    public ServiceProcess startReplica(String module, int port) throws Exception {
        ServiceProcess process = ServiceProcess.start(repoRoot, module, port == 0 ? ServiceProcess.freePort() : port,
                environment(module), List.of());
        history.add(process);
        process.awaitReady(Duration.ofSeconds(120));
        return process;
    }

    /** A new account with its own credits, management key and inference key. */
    public GatewaySuite.Account createAccount(String credits) throws IOException, InterruptedException {
        return http.createAccount(local("auth-service"), operatorToken, baseUrl(), "reliability-test", credits);
    }

    public JsonNode post(String url, String bearer, String body) throws IOException, InterruptedException {
        return http.post(url, bearer, body);
    }

    public HttpResponse<String> send(String method, String url, String bearer, String body, Duration timeout)
            throws IOException, InterruptedException {
        return http.send(method, url, bearer, body, timeout);
    }

    /** GET returning the JSON body on 200, null on anything else (including no answer). */
    public JsonNode getJson(String url, String bearer) {
        try {
            HttpResponse<String> response = send("GET", url, bearer, null, Duration.ofSeconds(10));
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** GET for failure messages: "status body", or the exception when there is no answer. */
    public String describeGet(String url, String bearer) {
        try {
            HttpResponse<String> response = send("GET", url, bearer, null, Duration.ofSeconds(10));
            return response.statusCode() + " " + response.body();
        } catch (Exception e) {
            return e.toString();
        }
    }

    public String baseUrl() {
        return local("routing-service") + "/api/v1";
    }

    public ServiceProcess service(String module) {
        return services.get(module);
    }

    public String redisPrefix() {
        return "rel:" + runId + ":";
    }

    public String operatorToken() {
        return operatorToken;
    }

    /** The last lines of every process's log (replaced processes included), for failure messages. */
    public String logTails() {
        StringBuilder out = new StringBuilder();
        for (ServiceProcess p : history) {
            out.append("\n----- ").append(p.module()).append(" :").append(p.port())
                    .append(p.isAlive() ? "" : " (not running)").append(" ").append(p.log()).append('\n')
                    .append(p.tail());
        }
        return out.toString();
    }

    private String local(String module) {
        return "http://127.0.0.1:" + ports.get(module);
    }

    private String database(String name) {
        return "gw_rel_" + runId + "_" + name;
    }

    @Override
    public void close() {
        List<ServiceProcess> running = new ArrayList<>(history);
        Collections.reverse(running);
        for (ServiceProcess service : running) {
            try {
                service.close();
            } catch (Exception e) {
                // best effort
            }
        }
        for (String db : databases) {
            try {
                postgres.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            } catch (RuntimeException e) {
                // best effort
            }
        }
        if (spillDir != null) {
            ProcessScratch.deleteTree(spillDir);
        }
    }
}

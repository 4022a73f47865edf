package io.llmgateway.system.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster of the test's own: {@code masters} masters with {@code replicasPerMaster} replicas
 * each, every node a {@code redis-server} in cluster mode on a free port (and a free cluster-bus port),
 * created with {@code redis-cli --cluster create}, all in one temporary directory, stopped and deleted
 * on {@link #close()}. Never touches the machine's shared Redis. Needs {@code redis-server} (>= 7, for
 * {@code cluster-port}) and {@code redis-cli} on the PATH: see {@link #available()}.
 */
public final class RedisCluster implements AutoCloseable {

    /** One node as CLUSTER NODES shows it. */
    public record Node(String id, int port, boolean master, String masterId, String slots) {
    }

    private final Path dir;
    private final Map<Integer, Process> processes = new LinkedHashMap<>();
    private final Thread shutdownHook = new Thread(this::stopQuietly);

    private RedisCluster(Path dir) {
        this.dir = dir;
    }

    /** Whether this machine can run one (redis-server 7+ and redis-cli on the PATH). */
    public static boolean available() {
        try {
            Process p = new ProcessBuilder("redis-server", "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(10, TimeUnit.SECONDS);
            Process cli = new ProcessBuilder("redis-cli", "--version").redirectErrorStream(true).start();
            cli.getInputStream().readAllBytes();
            cli.waitFor(10, TimeUnit.SECONDS);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("v=(\\d+)\\.").matcher(out);
            return cli.exitValue() == 0 && m.find() && Integer.parseInt(m.group(1)) >= 7;
        } catch (IOException | InterruptedException | RuntimeException e) {
            return false;
        }
    }

    public static RedisCluster start(int masters, int replicasPerMaster) throws IOException, InterruptedException {
        RedisCluster cluster = new RedisCluster(Files.createTempDirectory("gw-redis-cluster-"));
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            cluster.launch(masters * (1 + replicasPerMaster));
            cluster.create(replicasPerMaster);
            cluster.awaitHealthy(Duration.ofSeconds(30));
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private void launch(int nodes) throws IOException, InterruptedException {
        for (int i = 0; i < nodes; i++) {
            int port = ServiceProcess.freePort();
            int bus = ServiceProcess.freePort();
            Path nodeDir = Files.createDirectories(dir.resolve(String.valueOf(port)));
            Process p = new ProcessBuilder(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--cluster-enabled", "yes", "--cluster-port", String.valueOf(bus), "--cluster-config-file",
                    "nodes.conf", "--cluster-node-timeout", "3000", "--dir", nodeDir.toString(), "--save", "",
                    "--appendonly", "no")).redirectErrorStream(true)
                    .redirectOutput(nodeDir.resolve("redis.log").toFile()).start();
            processes.put(port, p);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (int port : processes.keySet()) {
            while (!"PONG".equals(cli(port, "PING").trim())) {
                if (System.nanoTime() > deadline || !processes.get(port).isAlive()) {
                    throw new IllegalStateException("cluster node " + port + " did not start:\n" + tail(port));
                }
                Thread.sleep(50);
            }
        }
    }

    private void create(int replicasPerMaster) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        processes.keySet().forEach(p -> command.add("127.0.0.1:" + p));
        command.addAll(List.of("--cluster-replicas", String.valueOf(replicasPerMaster), "--cluster-yes"));
        String out = run(command, Duration.ofSeconds(60));
        if (!out.contains("All 16384 slots covered")) {
            throw new IllegalStateException("redis-cli --cluster create failed:\n" + out);
        }
    }

    /** Waits until every node reports cluster_state:ok and sees every other node. */
    public void awaitHealthy(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean ok = true;
            for (int port : processes.keySet()) {
                if (!processes.get(port).isAlive()) {
                    continue;
                }
                String info = cli(port, "CLUSTER", "INFO");
                if (!info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:" + liveNodes())) {
                    ok = false;
                    break;
                }
            }
            if (ok) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the cluster is not healthy after " + timeout + ":\n" + nodesText());
            }
            Thread.sleep(100);
        }
    }

    private long liveNodes() {
        return processes.values().stream().filter(Process::isAlive).count();
    }

    /** The nodes as the first live node sees them. */
    public List<Node> nodes() throws IOException, InterruptedException {
        List<Node> nodes = new ArrayList<>();
        for (String line : nodesText().split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 8) {
                continue;
            }
            String address = f[1];
            int port = Integer.parseInt(address.substring(address.indexOf(':') + 1, address.indexOf('@')));
            boolean master = f[2].contains("master");
            StringBuilder slots = new StringBuilder();
            for (int i = 8; i < f.length; i++) {
                slots.append(i > 8 ? " " : "").append(f[i]);
            }
            nodes.add(new Node(f[0], port, master, f[3], slots.toString()));
        }
        return nodes;
    }

    private String nodesText() throws IOException, InterruptedException {
        for (int port : processes.keySet()) {
            if (processes.get(port).isAlive()) {
                return cli(port, "CLUSTER", "NODES");
            }
        }
        throw new IllegalStateException("no cluster node is running");
    }

    /** The port of the master that holds the key's slot now. */
    public int masterOf(String key) throws IOException, InterruptedException {
        int port = processes.keySet().iterator().next();
        int slot = Integer.parseInt(cli(port, "CLUSTER", "KEYSLOT", key).trim());
        for (Node n : nodes()) {
            if (!n.master()) {
                continue;
            }
            for (String range : n.slots().split(" ")) {
                if (range.isEmpty() || range.startsWith("[")) {
                    continue;
                }
                String[] ends = range.split("-");
                int from = Integer.parseInt(ends[0]);
                int to = Integer.parseInt(ends[ends.length - 1]);
                if (slot >= from && slot <= to) {
                    return n.port();
                }
            }
        }
        throw new IllegalStateException("no master holds slot " + slot + ":\n" + nodesText());
    }

    /** A replica of the given master. */
    public int replicaOf(int masterPort) throws IOException, InterruptedException {
        List<Node> nodes = nodes();
        String masterId = nodes.stream().filter(n -> n.port() == masterPort).findFirst().orElseThrow().id();
        return nodes.stream().filter(n -> !n.master() && n.masterId().equals(masterId)).findFirst()
                .orElseThrow(() -> new IllegalStateException("master " + masterPort + " has no replica")).port();
    }

    public List<Integer> masters() throws IOException, InterruptedException {
        return nodes().stream().filter(Node::master).map(Node::port).sorted().collect(Collectors.toList());
    }

    /**
     * A manual failover: {@code CLUSTER FAILOVER} on a replica of the master, which becomes master after it
     * has caught up with the old one (no acknowledged write lost). Waits until the replica is master and
     * the cluster is healthy again; returns how long that took.
     */
    public Duration failover(int masterPort) throws IOException, InterruptedException {
        int replica = replicaOf(masterPort);
        long start = System.nanoTime();
        String answer = cli(replica, "CLUSTER", "FAILOVER").trim();
        if (!"OK".equals(answer)) {
            throw new IllegalStateException("CLUSTER FAILOVER on " + replica + " answered " + answer);
        }
        long deadline = start + Duration.ofSeconds(30).toNanos();
        while (!cli(replica, "ROLE").startsWith("master")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("replica " + replica + " did not take over from " + masterPort + ":\n"
                        + nodesText());
            }
            Thread.sleep(20);
        }
        awaitHealthy(Duration.ofSeconds(30));
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** quarkus.redis.hosts for the services: every node, so the client finds the cluster from any of them. */
    public String hosts() {
        return processes.keySet().stream().map(p -> "redis://127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    /** REDIS_URL for ./services: the documented redis-cluster:// form. */
    public String launcherUrl() {
        return "redis-cluster://" + processes.keySet().stream().map(p -> "127.0.0.1:" + p)
                .collect(Collectors.joining(","));
    }

    public List<Integer> ports() {
        return new ArrayList<>(processes.keySet());
    }

    /** redis-cli against one node (no redirections followed); its output. */
    public String cli(int port, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-p", String.valueOf(port)));
        command.addAll(List.of(args));
        return run(command, Duration.ofSeconds(10));
    }

    /** redis-cli against the cluster (-c: follows MOVED to the key's master). */
    public String clusterCli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-c", "-p",
                String.valueOf(processes.keySet().iterator().next())));
        command.addAll(List.of(args));
        return run(command, Duration.ofSeconds(10));
    }

    /** Every key matching the pattern, from every master. */
    public List<String> keys(String pattern) throws IOException, InterruptedException {
        List<String> keys = new ArrayList<>();
        for (int master : masters()) {
            for (String k : cli(master, "--scan", "--pattern", pattern).split("\n")) {
                if (!k.isBlank()) {
                    keys.add(k.trim());
                }
            }
        }
        return keys;
    }

    private static String run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeout);
        }
        return new String(out);
    }

    public String tail(int port) {
        return ProcessScratch.tail(dir.resolve(port + "/redis.log"), 15);
    }

    private void stopQuietly() {
        for (Process p : processes.values()) {
            p.destroyForcibly();
        }
        for (Process p : processes.values()) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stopQuietly();
        ProcessScratch.dropShutdownHook(shutdownHook);
        ProcessScratch.deleteTree(dir);
    }
}

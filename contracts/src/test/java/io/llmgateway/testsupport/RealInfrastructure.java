package io.llmgateway.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Points a {@code @QuarkusTest} at the machine's real Redis and PostgreSQL. Each start gets a
 * database of its own (created here, dropped at stop) and a Redis key prefix of its own (its keys
 * deleted at stop), so test
 * classes and concurrent builds never see each other's data. Nothing on the shared servers is
 * flushed or reconfigured.
 *
 * <p>Init arg {@code postgres=false} skips the database for services that have none.
 */
public class RealInfrastructure implements QuarkusTestResourceLifecycleManager {

    private InfraLocator.Postgres postgres;
    private String database;
    private String redisPrefix;
    private boolean withPostgres = true;

    @Override
    public void init(Map<String, String> initArgs) {
        withPostgres = !"false".equals(initArgs.get("postgres"));
    }

    @Override
    public Map<String, String> start() {
        String runId = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Map<String, String> config = new HashMap<>();
        InfraLocator.Redis redis = InfraLocator.redis();
        config.put("quarkus.redis.hosts", redis.url());
        redisPrefix = "test:" + runId + ":";
        config.put("gateway.redis.prefix", redisPrefix);
        if (withPostgres) {
            postgres = InfraLocator.postgres();
            database = "gw_test_" + runId;
            postgres.execute("CREATE DATABASE " + database);
            config.put("quarkus.datasource.username", postgres.user());
            config.put("quarkus.datasource.password", postgres.password());
            config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl(database));
            config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl(database));
        }
        return config;
    }

    @Override
    public void stop() {
        if (redisPrefix != null) {
            RedisPrefixCleaner.delete(InfraLocator.redis(), redisPrefix);
            redisPrefix = null;
        }
        if (database != null) {
            postgres.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            database = null;
        }
    }
}

package io.llmgateway.system.support;

import io.llmgateway.testsupport.InfraLocator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The environment every test suite gives a packaged service: Redis and its key prefix, the operator
 * token, the sibling services' URLs and, for the three services with a database, their private one.
 * Suites add what is theirs (trace export, spill directory) on top.
 */
final class SuiteEnvironment {

    private SuiteEnvironment() {
    }

    /**
     * @param urlOf      module name -> its base URL in this suite
     * @param databaseOf short name (catalog, auth, metering) -> database name in this suite
     */
    static Map<String, String> of(String module, String redisUrl, String redisPrefix, String operatorToken,
            UnaryOperator<String> urlOf, InfraLocator.Postgres postgres, UnaryOperator<String> databaseOf) {
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_REDIS_HOSTS", redisUrl);
        env.put("GATEWAY_REDIS_PREFIX", redisPrefix);
        env.put("GATEWAY_OPERATOR_TOKEN", operatorToken);
        env.put("GATEWAY_CATALOG_URL", urlOf.apply("catalog-service"));
        env.put("GATEWAY_AUTH_URL", urlOf.apply("auth-service"));
        env.put("GATEWAY_METERING_URL", urlOf.apply("metering-service"));
        env.put("GATEWAY_SIMULATOR_URL", urlOf.apply("provider-simulator"));
        env.put("QUARKUS_OTEL_SDK_DISABLED", "true");
        String db = switch (module) {
            case "catalog-service" -> "catalog";
            case "auth-service" -> "auth";
            case "metering-service" -> "metering";
            default -> null;
        };
        if (db != null) {
            env.put("QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl(databaseOf.apply(db)));
            env.put("QUARKUS_DATASOURCE_REACTIVE_URL", postgres.reactiveUrl(databaseOf.apply(db)));
            env.put("QUARKUS_DATASOURCE_USERNAME", postgres.user());
            env.put("QUARKUS_DATASOURCE_PASSWORD", postgres.password());
        }
        return env;
    }
}

package io.llmgateway.routing.client;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where an upstream call goes, parsed once per URL. {@code RequestOptions.setAbsoluteURI} builds a
 * {@code java.net.URL} on every call, which the profile showed on each attempt; an endpoint's URLs
 * come from the catalog, so there are few of them.
 */
public record UpstreamTarget(String host, int port, boolean ssl, String uri) {

    private static final int MAX_CACHED = 10_000;
    private static final Map<String, UpstreamTarget> CACHE = new ConcurrentHashMap<>();

    public static UpstreamTarget of(String url) {
        UpstreamTarget target = CACHE.get(url);
        if (target == null) {
            if (CACHE.size() >= MAX_CACHED) {
                CACHE.clear(); // bounded: a catalog with more URLs than this re-parses now and then
            }
            target = parse(url);
            CACHE.put(url, target);
        }
        return target;
    }

    static UpstreamTarget parse(String url) {
        URI u = URI.create(url);
        boolean ssl = "https".equalsIgnoreCase(u.getScheme());
        int port = u.getPort() > 0 ? u.getPort() : ssl ? 443 : 80;
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        return new UpstreamTarget(u.getHost(), port, ssl, u.getRawQuery() == null ? path : path + "?" + u.getRawQuery());
    }

    public RequestOptions post() {
        return new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port).setSsl(ssl).setURI(uri);
    }
}

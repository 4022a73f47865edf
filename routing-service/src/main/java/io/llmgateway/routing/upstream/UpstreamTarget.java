package io.llmgateway.routing.upstream;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.MalformedURLException;
import java.net.URL;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where an upstream call goes, parsed once per URL. {@code RequestOptions.setAbsoluteURI} builds a
 * {@code java.net.URL} on every call, a cost no attempt should pay again; an endpoint's URLs
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

    /** Parsed as {@code setAbsoluteURI} parses it ({@code java.net.URL}: lenient, e.g. {@code _} in host names). */
    static UpstreamTarget parse(String url) {
        URL u;
        try {
            u = new URL(url);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("invalid upstream URL " + url + ": " + e.getMessage(), e);
        }
        boolean ssl = "https".equalsIgnoreCase(u.getProtocol());
        int port = u.getPort() > 0 ? u.getPort() : ssl ? 443 : 80;
        String path = u.getPath() == null || u.getPath().isEmpty() ? "/" : u.getPath();
        return new UpstreamTarget(u.getHost(), port, ssl, u.getQuery() == null ? path : path + "?" + u.getQuery());
    }

    public RequestOptions post() {
        return new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port).setSsl(ssl).setURI(uri);
    }
}

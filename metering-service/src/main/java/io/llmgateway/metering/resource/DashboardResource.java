package io.llmgateway.metering.resource;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The usage dashboard page; its script and the chart library are static resources. */
@Path("/dashboard")
public class DashboardResource {

    private final String page;

    public DashboardResource() {
        try (InputStream in = Thread.currentThread().getContextClassLoader()
                .getResourceAsStream("dashboard/index.html")) {
            page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public String page() {
        return page;
    }
}

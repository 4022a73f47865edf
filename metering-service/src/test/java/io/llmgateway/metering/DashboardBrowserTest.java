package io.llmgateway.metering;

import static io.llmgateway.metering.TestSupport.await;
import static io.llmgateway.metering.TestSupport.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.contracts.internal.KeyState;
import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.File;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Loads the dashboard in a real headless Chromium against the running app with real ingested data and
 * checks that all six charts were drawn (the page records painted pixels per canvas) and the tables filled.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
@WithTestResource(AuthStub.class)
class DashboardBrowserTest {

    static final Path CHROMIUM = Path.of(System.getProperty("chromium.path", "/usr/bin/chromium"));

    @Inject
    RedisDataSource redis;
    @Inject
    RedisKeys keys;

    @TestHTTPResource("/dashboard")
    URL dashboard;

    @Test
    void chartsRenderInAHeadlessBrowser() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            fail("Chromium is needed for the dashboard test but " + CHROMIUM + " is missing: "
                    + "install it with `apt-get install -y chromium` (or pass -Dchromium.path=...)");
        }
        String account = TestSupport.newAccount();
        String management = AuthStub.newKey(account, KeyState.MANAGEMENT);
        long now = System.currentTimeMillis() / 1000;
        List<UsageEvent> events = new ArrayList<>();
        String[][] routes = {{"openai/gpt-4o", "openai"}, {"anthropic/claude", "anthropic"}, {"openai/gpt-4o", "azure"}};
        for (int i = 0; i < 30; i++) {
            String[] r = routes[i % routes.length];
            events.add(TestSupport.event(account, "k", r[0], r[1], now - 60L * (i % 5), 100 + i, 20 + i, "0.00" + (10 + i),
                    300 + 10L * i, 80L + i, UsageEvent.STATUS_SUCCESS, 200));
        }
        events.forEach(e -> TestSupport.publish(redis, keys, e));
        await("stored", () -> count("SELECT count(*) FROM generations WHERE account_id = '" + account + "'") == 30);

        Path profile = Files.createTempDirectory("metering-chromium");
        String url = dashboard + "?granularity=minute&key=" + management;
        Process chromium = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--virtual-time-budget=8000", "--window-size=1400,1200", "--dump-dom", url)
                .redirectError(new File(profile.toFile(), "stderr.log"))
                .start();
        byte[] out = chromium.getInputStream().readAllBytes();
        if (!chromium.waitFor(90, TimeUnit.SECONDS)) {
            chromium.destroyForcibly();
            fail("chromium did not finish");
        }
        String dom = new String(out, StandardCharsets.UTF_8);
        assertTrue(dom.contains("data-state=\"ready\""), "page finished loading without error: " + excerpt(dom));

        Matcher canvas = Pattern.compile("<canvas id=\"(chart-[a-z-]+)\"[^>]*>").matcher(dom);
        int charts = 0;
        while (canvas.find()) {
            String tag = canvas.group();
            assertTrue(tag.contains("data-rendered=\"true\""), "chart rendered: " + tag);
            Matcher painted = Pattern.compile("data-painted=\"(-?\\d+)\"").matcher(tag);
            assertTrue(painted.find() && Integer.parseInt(painted.group(1)) > 500, "chart has pixels drawn: " + tag);
            Matcher points = Pattern.compile("data-points=\"(\\d+)\"").matcher(tag);
            assertTrue(points.find() && Integer.parseInt(points.group(1)) > 0, "chart has data points: " + tag);
            charts++;
        }
        assertEquals(6, charts, "tokens, cost and requests by model and by provider");
        assertTrue(dom.contains("<table id=\"generations\" data-rows=\"20\""), "recent generations listed");
        assertTrue(dom.contains("anthropic/claude"), "table shows the models");
        Matcher health = Pattern.compile("<table id=\"health\" data-rows=\"(\\d+)\"").matcher(dom);
        assertTrue(health.find() && Integer.parseInt(health.group(1)) >= 3, "endpoint health listed");
    }

    private static String excerpt(String dom) {
        int i = dom.indexOf("<p id=\"status\"");
        return i < 0 ? dom.substring(0, Math.min(dom.length(), 2000)) : dom.substring(i, Math.min(dom.length(), i + 300));
    }
}

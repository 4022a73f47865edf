package io.llmgateway.routing.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Upstream URLs are read the way Vert.x's setAbsoluteURI reads them, once per URL. */
class UpstreamTargetTest {

    @Test
    void hostPortSchemeAndPathWithQuery() {
        assertEquals(new UpstreamTarget("127.0.0.1", 8090, false, "/p/openai/v1/chat/completions"),
                UpstreamTarget.parse("http://127.0.0.1:8090/p/openai/v1/chat/completions"));
        assertEquals(new UpstreamTarget("generativelanguage.googleapis.com", 443, true,
                "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse"),
                UpstreamTarget.parse("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse"));
        assertEquals(new UpstreamTarget("api.example.com", 80, false, "/"), UpstreamTarget.parse("http://api.example.com"));
    }

    @Test
    void hostNamesWithUnderscoresKeepTheirHostAndPort() {
        // java.net.URI gives no host for these (a registry-based authority); Kubernetes and compose names have them
        assertEquals(new UpstreamTarget("mock_provider", 8080, false, "/v1/chat/completions"),
                UpstreamTarget.parse("http://mock_provider:8080/v1/chat/completions"));
    }

    @Test
    void parsedOnceAndReportedClearlyWhenBroken() {
        String url = "http://127.0.0.1:8090/p/x/v1/chat/completions";
        assertSame(UpstreamTarget.of(url), UpstreamTarget.of(url));
        assertThrows(IllegalArgumentException.class, () -> UpstreamTarget.parse("not a url"));
    }
}

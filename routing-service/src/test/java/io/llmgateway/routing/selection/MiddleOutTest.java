package io.llmgateway.routing.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.contracts.internal.CatalogSnapshot;
import io.llmgateway.contracts.internal.Pricing;
import io.llmgateway.routing.canonical.CanonicalRequest;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.ingress.chat.ChatRequestParser;
import io.vertx.core.buffer.Buffer;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Middle-out: what is kept, what goes, and that a prompt that fits is left alone. */
class MiddleOutTest {

    static Candidate withContext(int tokens) {
        BigDecimal p = new BigDecimal("0.000001");
        CatalogSnapshot.Endpoint e = new CatalogSnapshot.Endpoint("e", "p", "m", tokens, null, null,
                new Pricing(p, p, null, null, null, null, null), null, true, null, null, null);
        return new Candidate(new CatalogSnapshot.Model("v/m", "M", tokens, null, null, null, List.of(e)), e,
                new CatalogSnapshot.Provider("p", "P", "openai", "http://x", null, false, false, "active"));
    }

    static CanonicalRequest request(String extra, String... messages) {
        StringBuilder json = new StringBuilder("{\"model\":\"v/m\"" + extra + ",\"messages\":[");
        for (int i = 0; i < messages.length; i++) {
            json.append(i > 0 ? "," : "").append(messages[i]);
        }
        return new ChatRequestParser().canonical(ChatRequestParser.readObject(Buffer.buffer(json.append("]}").toString())));
    }

    static String msg(String role, String text) {
        return "{\"role\":\"" + role + "\",\"content\":\"" + text + "\"}";
    }

    static List<String> contents(ObjectNode body) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : body.get("messages")) {
            out.add(m.path("role").asText() + ":" + Json.contentText(m.get("content")).substring(0,
                    Math.min(3, Json.contentText(m.get("content")).length())));
        }
        return out;
    }

    @Test
    void removesMiddleMessagesKeepingSystemFirstAndLast() {
        String big = "x".repeat(400); // 100 tokens each
        CanonicalRequest r = request(",\"transforms\":[\"middle-out\"]", msg("system", "sys" + big),
                msg("user", "u01" + big), msg("assistant", "a02" + big), msg("user", "u03" + big),
                msg("assistant", "a04" + big), msg("user", "u05" + big), msg("assistant", "a06" + big),
                msg("user", "u07" + big));
        ObjectNode out = MiddleOut.fit(r, withContext(450));
        assertEquals(List.of("system:sys", "user:u01", "assistant:a02", "user:u07"), contents(out));
        assertEquals(8, r.body().get("messages").size(), "the request itself is not changed");
        assertSame(r.body(), MiddleOut.fit(r, withContext(100000)), "a prompt that fits is sent as it is");
        CanonicalRequest plain = request("", msg("user", "u01" + big), msg("user", "u02" + big));
        assertSame(plain.body(), MiddleOut.fit(plain, withContext(10)), "without middle-out nothing changes");
    }

    @Test
    void toolCallsLeaveTogetherWithTheirResultsAndAnOversizedLastMessageIsCutInItsMiddle() {
        String big = "y".repeat(400);
        String call = "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}";
        String result = "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"res" + big + "\"}";
        CanonicalRequest r = request(",\"plugins\":[{\"id\":\"context-compression\"}]", msg("user", "u01" + big), call,
                result, msg("user", "u04" + big));
        ArrayNode out = (ArrayNode) MiddleOut.fit(r, withContext(250)).get("messages");
        assertEquals(2, out.size());
        for (JsonNode m : out) {
            assertTrue(!"tool".equals(m.path("role").asText()), "no tool result without its call");
        }
        CanonicalRequest huge = request(",\"transforms\":[\"middle-out\"]", msg("user", "head" + "z".repeat(8000) + "tail"));
        String text = MiddleOut.fit(huge, withContext(1000)).get("messages").get(0).get("content").asText();
        assertTrue(text.startsWith("head") && text.endsWith("tail") && text.contains("[…]") && text.length() <= 4000, text);
    }
}

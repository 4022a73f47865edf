package io.llmgateway.routing.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Json's own tree builder makes the very trees Jackson's {@code readTree} makes. */
class JsonTreeTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"model\":\"openai/gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi \\u00e9 \\ud83d\\ude00\"}]}",
            "{\"a\":{\"b\":{\"c\":[1,[2,[3,{}]],[]]}},\"d\":null,\"e\":false,\"f\":true}",
            "{\"n\":[0,-1,2147483647,2147483648,-9223372036854775808,9223372036854775808,1.5,-0.0,1e300,2E-5,0.7]}",
            "{\"dup\":1,\"dup\":2}",
            "[1,\"two\",{\"three\":3}]",
            "[]",
            "{}",
            "\"text\"",
            "42",
            "null",
            "{\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\",\"properties\":{}}}}]} trailing"
    })
    void sameTreeAsJackson(String json) throws Exception {
        JsonNode expected = Json.MAPPER.readTree(json);
        assertEquals(expected, Json.read(Buffer.buffer(json)));
        assertEquals(expected, Json.parse(json));
        assertEquals(expected.toString(), Json.read(Buffer.buffer(json)).toString());
    }

    @Test
    void numbersKeepTheirKinds() throws Exception {
        JsonNode n = Json.read(Buffer.buffer("[7,8000000000,99999999999999999999,0.1]"));
        assertInstanceOf(IntNode.class, n.get(0));
        assertInstanceOf(LongNode.class, n.get(1));
        assertInstanceOf(BigIntegerNode.class, n.get(2));
        assertInstanceOf(DoubleNode.class, n.get(3));
    }

    @Test
    void emptyInputHasNoTree() throws Exception {
        assertNull(Json.read(Buffer.buffer("")));
        assertNull(Json.read(Buffer.buffer("   ")));
    }

    @ParameterizedTest
    @ValueSource(strings = { "{\"a\":1", "[1,2", "{\"a\":}", "{\"a\" 1}", "[1,]x", "{'a':1}", "{\"a\":tru}" })
    void malformedInputFails(String json) {
        assertThrows(JsonProcessingException.class, () -> Json.read(Buffer.buffer(json)));
        assertThrows(IllegalArgumentException.class, () -> Json.parse(json));
    }

    @Test
    void deepNestingFailsCleanlyInsteadOfOverflowingTheStack() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThrows(JsonProcessingException.class, () -> Json.read(Buffer.buffer(deep)));
    }

    @Test
    void readsFromADirectBuffer() throws Exception {
        io.netty.buffer.ByteBuf direct = io.netty.buffer.Unpooled.directBuffer();
        direct.writeBytes("{\"a\":[1,2]}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertEquals(Json.MAPPER.readTree("{\"a\":[1,2]}"), Json.read(Buffer.buffer(direct)));
        } finally {
            direct.release();
        }
    }
}

package io.llmgateway.routing.canonical;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;

/** One shared, thread-safe Jackson mapper for the hot path (tree model: parsed once, edited in place). */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper(
            JsonFactory.builder().recyclerPool(EventLoopRecyclers.INSTANCE).build()).findAndRegisterModules()
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    public static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Resolved once: {@code MAPPER.readTree} looks the tree type up in its type factory on every call. */
    private static final ObjectReader TREE = MAPPER.readerFor(JsonNode.class);

    private Json() {
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    /**
     * Serialises straight into a Vert.x buffer: {@code Buffer.buffer(byte[])} copies its argument, so
     * going through {@code writeValueAsBytes} copied every body twice more than needed.
     */
    public static Buffer buffer(JsonNode node) {
        Buffer out = Buffer.buffer(512);
        try {
            MAPPER.writeValue(new BufferOutput(out), node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** A generator writing UTF-8 into {@code out}; closing it hands its bytes over in one append. */
    public static JsonGenerator generator(Buffer out) throws IOException {
        return MAPPER.getFactory().createGenerator(new BufferOutput(out));
    }

    /** Reads JSON from a buffer without copying it first when its bytes are on the heap. */
    public static JsonNode read(Buffer buffer) throws IOException {
        ByteBuf bytes = buffer.getByteBuf();
        if (bytes.hasArray()) {
            return TREE.readTree(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
        }
        return TREE.readTree(buffer.getBytes());
    }

    public static JsonNode parse(String text) {
        try {
            return TREE.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException("malformed JSON from provider");
        }
    }

    public static JsonNode parse(Buffer buffer) {
        try {
            return read(buffer);
        } catch (Exception e) {
            throw new IllegalArgumentException("malformed JSON from provider");
        }
    }

    public static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    public static long num(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || !v.isNumber() ? 0 : v.asLong();
    }

    /** Content of an OpenAI message as plain text (text parts joined; other parts ignored). */
    public static String contentText(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder sb = new StringBuilder();
        if (content.isArray()) {
            for (JsonNode part : content) {
                if (part.has("text")) {
                    sb.append(part.get("text").asText());
                }
            }
        }
        return sb.toString();
    }

    /**
     * Jackson's buffers, one set per thread as with its default pool, but held in Netty's indexed
     * thread-locals: the default pool's {@code ThreadLocal} missed its first probe on the event
     * loops, which carry many thread-locals.
     */
    private static final class EventLoopRecyclers extends RecyclerPool.ThreadLocalPoolBase<BufferRecycler> {
        static final EventLoopRecyclers INSTANCE = new EventLoopRecyclers();
        private static final FastThreadLocal<BufferRecycler> RECYCLERS = new FastThreadLocal<>() {
            @Override
            protected BufferRecycler initialValue() {
                return new BufferRecycler();
            }
        };

        @Override
        public BufferRecycler acquirePooled() {
            return RECYCLERS.get();
        }
    }

    /** Jackson's generator fills its own recycled buffer and hands it over here once, when closed. */
    private static final class BufferOutput extends OutputStream {
        private final Buffer target;

        BufferOutput(Buffer target) {
            this.target = target;
        }

        @Override
        public void write(int b) {
            target.appendByte((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            target.appendBytes(b, off, len);
        }
    }
}

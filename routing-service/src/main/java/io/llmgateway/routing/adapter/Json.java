package io.llmgateway.routing.adapter;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;

/** One shared, thread-safe Jackson mapper for the hot path (tree model: parsed once, edited in place). */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper(
            JsonFactory.builder().recyclerPool(EventLoopRecyclers.INSTANCE).build()).findAndRegisterModules()
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    public static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonFactory FACTORY = MAPPER.getFactory();

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
        JsonParser parser = bytes.hasArray()
                ? FACTORY.createParser(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes())
                : FACTORY.createParser(buffer.getBytes());
        try (parser) {
            return tree(parser);
        }
    }

    public static JsonNode parse(String text) {
        try (JsonParser parser = FACTORY.createParser(text)) {
            return tree(parser);
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

    /**
     * The tree of the parser's first value (null when there is none; what follows it is not read, as
     * with {@code ObjectMapper.readTree}), built straight from the parser's tokens. Nodes are those
     * {@code readTree} makes; what is skipped is its per-call deserialisation context and lookups,
     * a fifth of the gateway's work on a request that finds its caches cold (an idle host).
     * Iterative, so nesting is bounded by the parser's own depth limit, never by the thread's stack.
     */
    static JsonNode tree(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == null) {
            return null;
        }
        if (!t.isStructStart()) {
            return scalar(p, t);
        }
        ContainerNode<?> root = t == JsonToken.START_OBJECT ? NODES.objectNode() : NODES.arrayNode();
        ArrayDeque<ContainerNode<?>> outer = new ArrayDeque<>();
        ContainerNode<?> current = root;
        String field = null;
        while ((t = p.nextToken()) != null) {
            JsonNode value;
            switch (t) {
                case FIELD_NAME:
                    field = p.currentName();
                    continue;
                case END_OBJECT:
                case END_ARRAY:
                    if (outer.isEmpty()) {
                        return root;
                    }
                    current = outer.pop();
                    continue;
                case START_OBJECT:
                case START_ARRAY:
                    value = t == JsonToken.START_OBJECT ? NODES.objectNode() : NODES.arrayNode();
                    break;
                default:
                    value = scalar(p, t);
            }
            if (current instanceof ObjectNode object) {
                object.set(field, value);
            } else {
                ((ArrayNode) current).add(value);
            }
            if (value instanceof ContainerNode<?> opened) {
                outer.push(current);
                current = opened;
            }
        }
        throw new JsonParseException(p, "Unexpected end-of-input: the JSON value is not closed");
    }

    private static JsonNode scalar(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            case VALUE_NUMBER_FLOAT:
                return p.getNumberType() == JsonParser.NumberType.BIG_DECIMAL ? NODES.numberNode(p.getDecimalValue())
                        : NODES.numberNode(p.getDoubleValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                throw new JsonParseException(p, "Unexpected token " + t);
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
     * loops, which carry many thread-locals (0.7% of routing's CPU under load).
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

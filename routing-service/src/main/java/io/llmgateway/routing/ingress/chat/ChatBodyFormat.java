package io.llmgateway.routing.ingress.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.routing.canonical.CanonicalRequest;
import io.llmgateway.routing.canonical.IngressFormat;
import io.llmgateway.routing.canonical.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * A format whose requests become the canonical chat body and are then validated as chat requests
 * are (chat itself, legacy completions, Responses, Messages): the same reading, validation and
 * canonical request; each format supplies only its translation and what its answer repeats.
 */
public abstract class ChatBodyFormat implements IngressFormat {

    private final String operation;
    protected final ChatRequestParser parser;

    protected ChatBodyFormat(String operation, ChatRequestParser parser) {
        this.operation = operation;
        this.parser = parser;
    }

    @Override
    public CanonicalRequest parse(Buffer body, MultiMap headers) {
        ObjectNode request = ChatRequestParser.readObject(body);
        return parser.canonical(toChat(request)).withEcho(echo(request));
    }

    @Override
    public String operation() {
        return operation;
    }

    /** The request as the canonical chat body; a 400 naming what cannot be carried. */
    protected abstract ObjectNode toChat(ObjectNode request);

    /** The request's settings the format's answer repeats; none unless the format has some. */
    protected ObjectNode echo(ObjectNode request) {
        return Json.object();
    }
}

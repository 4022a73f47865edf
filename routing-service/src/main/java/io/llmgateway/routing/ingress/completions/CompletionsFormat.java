package io.llmgateway.routing.ingress.completions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.routing.ingress.chat.ChatFormat;
import io.llmgateway.routing.ingress.chat.ChatRequestParser;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

/**
 * {@code POST /api/v1/completions}, the legacy text completions: the prompt becomes one user
 * message on the way in, and answers carry {@code text} instead of messages on the way out. A bean of
 * its own type only, so that injecting {@link ChatFormat} stays unambiguous.
 */
@Singleton
@Typed(CompletionsFormat.class)
public class CompletionsFormat extends ChatFormat {

    public CompletionsFormat(ChatRequestParser parser) {
        super("text_completion", parser);
    }

    @Override
    protected ObjectNode toChat(ObjectNode request) {
        ChatRequestParser.promptToMessages(request);
        return request;
    }

    @Override
    protected boolean legacy() {
        return true;
    }
}

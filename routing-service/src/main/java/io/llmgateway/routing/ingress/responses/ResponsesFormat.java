package io.llmgateway.routing.ingress.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.routing.canonical.Answer;
import io.llmgateway.routing.canonical.CanonicalRequest;
import io.llmgateway.routing.canonical.IngressFormat;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.canonical.StreamHead;
import io.llmgateway.routing.canonical.StreamWriter;
import io.llmgateway.routing.ingress.chat.ChatRequestParser;
import io.llmgateway.routing.ingress.responses.ResponsesRequestTranslator.ResponsesBody;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Singleton;

/**
 * {@code POST /api/v1/responses}: OpenAI's Responses API as OpenRouter serves it, stateless. A
 * request is translated into the canonical chat body ({@link ResponsesRequestTranslator}) and
 * validated like a chat request; the canonical answer comes back as a {@code response} object, and
 * a stream as the typed Responses events ({@link ResponsesStreamWriter}). Errors before an answer use
 * OpenRouter's envelope, as on every other route.
 */
@Singleton
public class ResponsesFormat implements IngressFormat {

    private final ChatRequestParser parser;

    public ResponsesFormat(ChatRequestParser parser) {
        this.parser = parser;
    }

    @Override
    public String operation() {
        return "responses";
    }

    @Override
    public CanonicalRequest parse(Buffer body, MultiMap headers) {
        return parser.canonical(ResponsesRequestTranslator.toChat(ChatRequestParser.readObject(body)));
    }

    @Override
    public Buffer answer(Answer a) {
        StreamHead head = a.head();
        ObjectNode response = ResponseObjects.response(head.generationId(), head.created(), echo(head), a.model(),
                a.provider(), "completed");
        ArrayNode output = (ArrayNode) response.get("output");
        ArrayNode choices = a.completion().choices();
        JsonNode choice = choices.isEmpty() ? Json.object() : choices.get(0);
        String finish = a.completion().finishReason() != null ? a.completion().finishReason()
                : Json.text(choice, "finish_reason");
        String itemStatus = "length".equals(finish) || "content_filter".equals(finish) ? "incomplete" : "completed";
        JsonNode message = choice.path("message");
        String gen = head.generationId();
        ObjectNode reasoning = reasoningItem(message, ResponseObjects.itemId("rs", gen, output.size()));
        if (reasoning != null) {
            output.add(reasoning);
        }
        String text = Json.contentText(message.get("content"));
        JsonNode calls = message.path("tool_calls");
        if (!text.isEmpty() || calls.isEmpty()) {
            output.add(ResponseObjects.messageItem(ResponseObjects.itemId("msg", gen, output.size()), itemStatus, text));
        }
        for (JsonNode call : calls) {
            String itemId = ResponseObjects.itemId("fc", gen, output.size());
            String callId = Json.text(call, "id");
            output.add(ResponseObjects.functionCallItem(itemId, "completed", callId == null ? itemId : callId,
                    call.path("function").path("name").asText(), call.path("function").path("arguments").asText("")));
        }
        ResponseObjects.ending(response, finish);
        ResponseObjects.outputText(response);
        response.set("usage", ResponseObjects.usage(a.usage(), a.cost()));
        return Json.buffer(response);
    }

    /** The reasoning item of an answer: its reasoning text as the summary, and any encrypted reasoning. */
    private static ObjectNode reasoningItem(JsonNode message, String id) {
        String text = Json.text(message, "reasoning");
        String encrypted = null;
        for (JsonNode detail : message.path("reasoning_details")) {
            if ("reasoning.encrypted".equals(Json.text(detail, "type")) && detail.hasNonNull("data")) {
                encrypted = detail.get("data").asText();
            }
        }
        if ((text == null || text.isEmpty()) && encrypted == null) {
            return null;
        }
        ObjectNode item = ResponseObjects.reasoningItem(id, text == null || text.isEmpty() ? null : text);
        if (encrypted != null) {
            item.put("encrypted_content", encrypted);
        }
        return item;
    }

    @Override
    public StreamWriter streamWriter(StreamHead head) {
        return new ResponsesStreamWriter(head, echo(head));
    }

    /** The request's settings the response repeats, carried by its canonical body. */
    static ObjectNode echo(StreamHead head) {
        return head.request().body() instanceof ResponsesBody body ? body.echo : Json.object();
    }
}

package io.llmgateway.routing.ingress.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.routing.canonical.Answer;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.canonical.StreamHead;
import io.llmgateway.routing.canonical.StreamWriter;
import io.llmgateway.routing.ingress.chat.ChatBodyFormat;
import io.llmgateway.routing.ingress.chat.ChatRequestParser;
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
public class ResponsesFormat extends ChatBodyFormat {

    public ResponsesFormat(ChatRequestParser parser) {
        super("responses", parser);
    }

    @Override
    protected ObjectNode toChat(ObjectNode request) {
        return ResponsesRequestTranslator.toChat(request);
    }

    @Override
    protected ObjectNode echo(ObjectNode request) {
        return ResponsesRequestTranslator.echo(request);
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

    /** The reasoning item of an answer: its reasoning text as the summary, its reasoning entries sealed. */
    private static ObjectNode reasoningItem(JsonNode message, String id) {
        String text = Json.text(message, "reasoning");
        ArrayNode details = message.get("reasoning_details") instanceof ArrayNode a && !a.isEmpty() ? a : null;
        if ((text == null || text.isEmpty()) && details == null) {
            return null;
        }
        return ResponseObjects.reasoningItem(id, text == null || text.isEmpty() ? null : text, details);
    }

    @Override
    public StreamWriter streamWriter(StreamHead head) {
        return new ResponsesStreamWriter(head, echo(head));
    }

    /** The request's settings the response repeats. */
    static ObjectNode echo(StreamHead head) {
        return head.request().echo();
    }
}

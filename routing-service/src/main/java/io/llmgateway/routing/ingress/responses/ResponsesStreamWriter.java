package io.llmgateway.routing.ingress.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.canonical.ReasoningMerge;
import io.llmgateway.routing.canonical.ServedStreamWriter;
import io.llmgateway.routing.canonical.StreamHead;
import io.llmgateway.routing.canonical.StreamWriter;
import io.llmgateway.routing.canonical.TokenUsage;
import io.vertx.core.buffer.Buffer;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Responses API's typed stream: each event is {@code event: <type>} plus its JSON with the same
 * {@code type} and a {@code sequence_number} counting from 0. The canonical deltas open and close
 * output items: reasoning becomes a {@code reasoning} item whose summary text streams, content a
 * {@code message} item with one {@code output_text} part, each tool call a {@code function_call}
 * item whose arguments stream; an item is closed (its {@code .done} events) when the next one
 * opens or the stream ends. The stream begins with {@code response.created} and
 * {@code response.in_progress} at the provider's first delta and ends with
 * {@code response.completed} ({@code response.incomplete} when cut by {@code max_output_tokens} or
 * a content filter) carrying the whole response and its usage and cost; a provider failing
 * mid-stream ends it with {@code response.failed} (billed usage included), and a request no
 * provider answered, after the keepalives began, with an {@code error} event then
 * {@code response.failed}.
 */
final class ResponsesStreamWriter extends ServedStreamWriter {

    private final ObjectNode echo;
    private ObjectNode response;
    private int sequence;
    /** The output items in order; each one's final form once closed. */
    private final List<Item> items = new ArrayList<>();
    /** The item receiving deltas now, if any. */
    private Item open;
    /** Function-call items by the canonical tool call index. */
    private final Map<Integer, Item> calls = new HashMap<>();
    private String finishReason;
    /** Reasoning entries that arrived while the message streamed, for the next reasoning item. */
    private ReasoningMerge pending = new ReasoningMerge();

    ResponsesStreamWriter(StreamHead head, ObjectNode echo) {
        super(head);
        this.echo = echo;
    }

    @Override
    public void delta(Buffer out, int index, ObjectNode delta, String finish, String nativeFinish) {
        if (index != 0) {
            return; // the Responses API has one output; n is never asked for
        }
        start(out);
        JsonNode reasoning = delta.get("reasoning");
        if (reasoning != null && reasoning.isTextual() && !reasoning.asText().isEmpty()) {
            Item item = ensure(out, Kind.REASONING);
            if (!item.summaryOpened) {
                item.summaryOpened = true;
                event(out, "response.reasoning_summary_part.added", item.ref().put("summary_index", 0)
                        .<ObjectNode>set("part", ResponseObjects.summaryPart("")));
            }
            item.text.append(reasoning.asText());
            event(out, "response.reasoning_summary_text.delta", item.ref().put("summary_index", 0)
                    .put("delta", reasoning.asText()));
        }
        reasoningDetails(out, delta.path("reasoning_details"), delta.has("tool_calls"));
        JsonNode content = delta.get("content");
        if (content != null && content.isTextual() && !content.asText().isEmpty()) {
            Item item = ensure(out, Kind.MESSAGE);
            item.text.append(content.asText());
            ObjectNode e = item.ref().put("content_index", 0).put("delta", content.asText());
            e.putArray("logprobs");
            event(out, "response.output_text.delta", e);
        }
        JsonNode toolCalls = delta.get("tool_calls");
        if (toolCalls != null && toolCalls.isArray()) {
            int position = 0;
            for (JsonNode call : toolCalls) {
                toolCall(out, call.path("index").asInt(position++), call);
            }
        }
        if (finish != null) {
            finishReason = finish;
        }
    }

    /**
     * Reasoning entries, merged by index into the open reasoning item, whose {@code encrypted_content}
     * carries them sealed when it closes. Entries arriving while the message streams (a Gemini
     * signature on its text) wait for the next reasoning item, opened before a tool call, so that the
     * item still precedes what it belongs to when the client sends the output back.
     */
    private void reasoningDetails(Buffer out, JsonNode details, boolean toolCallsFollow) {
        if (!details.isArray() || details.isEmpty()) {
            return;
        }
        if (open != null && open.kind == Kind.MESSAGE && !toolCallsFollow) {
            details.forEach(pending::add);
            return;
        }
        Item item = ensure(out, Kind.REASONING);
        details.forEach(item.details::add);
    }

    private void toolCall(Buffer out, int callIndex, JsonNode call) {
        Item item = calls.get(callIndex);
        JsonNode function = call.path("function");
        if (item == null) {
            if (!pending.isEmpty()) {
                ensure(out, Kind.REASONING);
            }
            close(out);
            item = new Item(Kind.FUNCTION_CALL, items.size());
            String callId = Json.text(call, "id");
            item.callId = callId == null ? item.id : callId;
            item.name = function.path("name").asText("");
            calls.put(callIndex, item);
            items.add(item);
            open = item;
            event(out, "response.output_item.added", Json.object().put("output_index", item.index)
                    .<ObjectNode>set("item", item.json("in_progress")));
        }
        String arguments = Json.text(function, "arguments");
        if (arguments != null && !arguments.isEmpty()) {
            item.text.append(arguments);
            event(out, "response.function_call_arguments.delta", item.ref().put("delta", arguments));
        }
    }

    /** The item of this kind receiving deltas, opened (and the previous one closed) when needed. */
    private Item ensure(Buffer out, Kind kind) {
        if (open != null && open.kind == kind) {
            return open;
        }
        close(out);
        Item item = new Item(kind, items.size());
        items.add(item);
        open = item;
        if (kind == Kind.REASONING) {
            pending.all().forEach(item.details::add);
            pending = new ReasoningMerge();
        }
        event(out, "response.output_item.added", Json.object().put("output_index", item.index)
                .<ObjectNode>set("item", item.json("in_progress")));
        if (kind == Kind.MESSAGE) {
            event(out, "response.content_part.added", item.ref().put("content_index", 0)
                    .<ObjectNode>set("part", ResponseObjects.outputTextPart("")));
        }
        return item;
    }

    /** The open item's closing events. */
    private void close(Buffer out) {
        Item item = open;
        if (item == null) {
            return;
        }
        open = null;
        String text = item.text.toString();
        switch (item.kind) {
            case MESSAGE -> {
                ObjectNode done = item.ref().put("content_index", 0).put("text", text);
                done.putArray("logprobs");
                event(out, "response.output_text.done", done);
                event(out, "response.content_part.done", item.ref().put("content_index", 0)
                        .<ObjectNode>set("part", ResponseObjects.outputTextPart(text)));
            }
            case REASONING -> {
                if (item.summaryOpened) {
                    event(out, "response.reasoning_summary_text.done", item.ref().put("summary_index", 0)
                            .put("text", text));
                    event(out, "response.reasoning_summary_part.done", item.ref().put("summary_index", 0)
                            .<ObjectNode>set("part", ResponseObjects.summaryPart(text)));
                }
            }
            case FUNCTION_CALL -> event(out, "response.function_call_arguments.done",
                    item.ref().put("name", item.name).put("arguments", text));
        }
        item.closed = true;
        event(out, "response.output_item.done", Json.object().put("output_index", item.index)
                .<ObjectNode>set("item", item.json(itemStatus())));
    }

    /**
     * Entries still waiting at the end (a Gemini signature on the answer's text) join the last
     * reasoning item of the final response. Without one they are not shown: a reasoning item after
     * the message would make the client's next turn invalid, and Gemini does not require a text
     * part's signature back (only a function call's).
     */
    private void keepPending() {
        for (int i = items.size() - 1; i >= 0; i--) {
            if (items.get(i).kind == Kind.REASONING) {
                pending.all().forEach(items.get(i).details::add);
                return;
            }
        }
    }

    private String itemStatus() {
        return "length".equals(finishReason) || "content_filter".equals(finishReason) ? "incomplete" : "completed";
    }

    /** response.created and response.in_progress, once, before anything else. */
    private void start(Buffer out) {
        if (response != null) {
            return;
        }
        response = ResponseObjects.response(head.generationId(), head.created(), echo, model(), provider,
                "in_progress");
        event(out, "response.created", Json.object().set("response", response.deepCopy()));
        event(out, "response.in_progress", Json.object().set("response", response.deepCopy()));
    }

    private ArrayNode output() {
        ArrayNode output = Json.NODES.arrayNode();
        for (Item item : items) {
            output.add(item.json(item.closed ? itemStatus() : "incomplete"));
        }
        return output;
    }

    @Override
    public void done(Buffer out, TokenUsage usage, BigDecimal cost) {
        start(out);
        close(out);
        keepPending();
        response.set("output", output());
        ResponseObjects.ending(response, finishReason);
        ResponseObjects.outputText(response);
        response.set("usage", ResponseObjects.usage(usage, cost));
        String type = "completed".equals(Json.text(response, "status")) ? "response.completed" : "response.incomplete";
        event(out, type, Json.object().set("response", response));
    }

    @Override
    public void failed(Buffer out, String message, TokenUsage usage, BigDecimal cost) {
        start(out);
        response.set("output", output());
        response.put("status", "failed");
        response.set("error", ResponseObjects.error(502, message));
        response.set("usage", ResponseObjects.usage(usage, cost));
        event(out, "response.failed", Json.object().set("response", response));
    }

    @Override
    public void refused(Buffer out, GatewayException e) {
        ObjectNode error = Json.object().put("code", ResponseObjects.error(e.status(), e.getMessage()).get("code").asText())
                .put("message", e.getMessage()).putNull("param");
        event(out, "error", error);
        ObjectNode failed = ResponseObjects.response(head.generationId(), head.created(), echo, head.requestedModel(),
                null, "failed");
        failed.set("error", ResponseObjects.error(e.status(), e.getMessage()));
        event(out, "response.failed", Json.object().set("response", failed));
    }

    private void event(Buffer out, String type, ObjectNode body) {
        ObjectNode e = Json.object().put("type", type).put("sequence_number", sequence++);
        e.setAll(body);
        StreamWriter.event(out, type, e);
    }

    private enum Kind {
        MESSAGE("msg"), REASONING("rs"), FUNCTION_CALL("fc");

        final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }
    }

    /** One output item as it streams. */
    private final class Item {
        final Kind kind;
        final int index;
        final String id;
        final StringBuilder text = new StringBuilder();
        String callId;
        String name;
        boolean closed;
        boolean summaryOpened;
        final ReasoningMerge details = new ReasoningMerge();

        Item(Kind kind, int index) {
            this.kind = kind;
            this.index = index;
            this.id = ResponseObjects.itemId(kind.prefix, head.generationId(), index);
        }

        /** The start of an event about this item: its id and position. */
        ObjectNode ref() {
            return Json.object().put("item_id", id).put("output_index", index);
        }

        /** The item as the response lists it; while it streams, without its text so far. */
        ObjectNode json(String status) {
            boolean streaming = "in_progress".equals(status);
            return switch (kind) {
                case MESSAGE -> ResponseObjects.messageItem(id, status, streaming ? null : text.toString());
                case REASONING -> ResponseObjects.reasoningItem(id, streaming || !summaryOpened ? null : text.toString(),
                        streaming || details.isEmpty() ? null : details.all());
                case FUNCTION_CALL -> ResponseObjects.functionCallItem(id, status, callId, name,
                        streaming ? "" : text.toString());
            };
        }
    }
}

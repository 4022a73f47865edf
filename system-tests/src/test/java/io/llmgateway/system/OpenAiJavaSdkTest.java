package io.llmgateway.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import io.llmgateway.system.support.GatewaySuite;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK, pointed at the gateway's base URL, with nothing else changed. */
class OpenAiJavaSdkTest {

    static final String MODEL = "openai/gpt-4o-mini";
    static OpenAIClient client;

    @BeforeAll
    static void connect() {
        GatewaySuite suite = GatewaySuite.get();
        client = OpenAIOkHttpClient.builder().baseUrl(suite.baseUrl()).apiKey(suite.apiKey()).maxRetries(0)
                .timeout(Duration.ofSeconds(20)).build();
    }

    @Test
    void listsModels() {
        var models = client.models().list().data();
        assertTrue(models.size() > 300, "expected the whole catalog, got " + models.size());
        assertTrue(models.stream().anyMatch(m -> m.id().equals(MODEL)));
    }

    @Test
    void plainCompletion() {
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(MODEL).addUserMessage("Say hello in five words").build());
        assertFalse(completion.choices().get(0).message().content().orElse("").isBlank());
        assertEquals(MODEL, completion.model());
        var usage = completion.usage().orElseThrow();
        assertTrue(usage.promptTokens() > 0 && usage.completionTokens() > 0);
        assertEquals(usage.promptTokens() + usage.completionTokens(), usage.totalTokens());
        assertTrue(completion._additionalProperties().containsKey("provider"), "OpenRouter's provider field");
        assertTrue(completion.id().matches("gen-\\d+-[A-Za-z0-9]{20}"), completion.id());
    }

    @Test
    void streamingCompletion() {
        StringBuilder text = new StringBuilder();
        AtomicReference<String> finish = new AtomicReference<>();
        AtomicReference<Long> totalTokens = new AtomicReference<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("Count to ten")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunk -> {
                chunk.usage().ifPresent(u -> totalTokens.set(u.totalTokens()));
                chunk.choices().forEach(c -> {
                    c.delta().content().ifPresent(text::append);
                    c.finishReason().ifPresent(f -> finish.set(f.asString()));
                });
            });
        }
        assertFalse(text.isEmpty());
        assertTrue(List.of("stop", "length").contains(finish.get()), "finish_reason " + finish.get());
        assertTrue(totalTokens.get() != null && totalTokens.get() > 0, "final usage chunk");
    }

    @Test
    void toolCalling() {
        FunctionDefinition weather = FunctionDefinition.builder().name("get_weather").description("Weather in a city")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build();
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(MODEL).addUserMessage("What is the weather in Paris?").addFunctionTool(weather).build());
        List<ChatCompletionMessageToolCall> calls = completion.choices().get(0).message().toolCalls().orElseThrow();
        assertEquals("get_weather", calls.get(0).asFunction().function().name());
        assertEquals("tool_calls", completion.choices().get(0).finishReason().asString());
    }
}

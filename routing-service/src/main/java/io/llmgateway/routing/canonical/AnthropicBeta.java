package io.llmgateway.routing.canonical;

import io.llmgateway.contracts.error.GatewayException;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The client's Anthropic opt-ins: {@code anthropic-beta} (what Anthropic's SDKs send) and OpenRouter's
 * {@code x-anthropic-beta}, on any route, each a comma-separated list of beta names. Many betas change
 * only how Anthropic behaves (interleaved thinking, fine-grained tool streaming, a 1M context,
 * longer outputs), with no request field the gateway could see, so the names are passed on to every
 * endpoint that speaks Anthropic's protocol; the fields a beta adds are validated like any other
 * field (acted on, or a 400 naming them). The other protocols have no such switch.
 */
public final class AnthropicBeta {

    static final int MAX_NAMES = 32;
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{0,63}");

    private AnthropicBeta() {
    }

    /** The distinct names, in the order given; a 400 naming the header when one is not a beta name. */
    public static List<String> of(MultiMap headers) {
        if (!headers.contains("anthropic-beta") && !headers.contains("x-anthropic-beta")) {
            return List.of();
        }
        List<String> names = new ArrayList<>(0);
        for (String header : List.of("anthropic-beta", "x-anthropic-beta")) {
            for (String value : headers.getAll(header)) {
                for (String raw : value.split(",")) {
                    String name = raw.trim();
                    if (name.isEmpty()) {
                        continue;
                    }
                    if (!NAME.matcher(name).matches()) {
                        throw new GatewayException(400, "Invalid '" + header + "': '" + abbreviate(name)
                                + "' is not a beta name (lower-case letters, digits, dots and dashes, as "
                                + "'interleaved-thinking-2025-05-14')", Map.of("field", header));
                    }
                    if (!names.contains(name)) {
                        names.add(name);
                    }
                }
            }
        }
        if (names.size() > MAX_NAMES) {
            throw new GatewayException(400, "Too many Anthropic betas: at most " + MAX_NAMES,
                    Map.of("field", "anthropic-beta"));
        }
        return names;
    }

    private static String abbreviate(String name) {
        return name.length() <= 64 ? name : name.substring(0, 64) + "...";
    }
}

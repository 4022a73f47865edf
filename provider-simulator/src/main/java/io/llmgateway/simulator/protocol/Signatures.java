package io.llmgateway.simulator.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Set;

/**
 * Reasoning signatures the simulator issues and later checks, as the real providers do with theirs: a base64
 * SHA-256 of what they sign, so a client that alters or drops them is caught deterministically.
 */
public final class Signatures {

    /** Google documents these two values as skipping Gemini's thought-signature check. */
    private static final Set<String> GEMINI_SKIP = Set.of("skip_thought_signature_validator",
            "context_engineering_is_the_way_to_go");

    private Signatures() {
    }

    /** Anthropic: signs the thinking text, so editing the text invalidates the signature. */
    public static String thinking(String text) {
        return sha256("anthropic-thinking\n" + text);
    }

    static boolean validThinking(String text, String signature) {
        return thinking(text).equals(signature);
    }

    /** Gemini: signs the function called (by name: arguments may be re-serialized on the way back). */
    public static String geminiFunctionCall(String name) {
        return sha256("gemini-thought\n" + name);
    }

    /** The signature on a Gemini text answer; never checked, as Gemini does not require it back. */
    public static String geminiText() {
        return sha256("gemini-thought\n");
    }

    static boolean validGeminiFunctionCall(String name, String signature) {
        return GEMINI_SKIP.contains(signature) || geminiFunctionCall(name).equals(signature);
    }

    private static String sha256(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

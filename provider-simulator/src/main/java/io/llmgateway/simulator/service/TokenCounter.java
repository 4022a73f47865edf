package io.llmgateway.simulator.service;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.util.ArrayList;
import java.util.List;

/**
 * Real token counts (jtokkit, cl100k_base) for every provider: usage numbers must be checkable by
 * anyone who tokenizes the same text, so they are never invented.
 */
public final class TokenCounter {

    public static final String ENCODING_NAME = "cl100k_base";
    // The lazy registry loads only the encoding asked for (the default one loads all, ~2 s of CPU).
    private static final Encoding ENCODING = Encodings.newLazyEncodingRegistry()
            .getEncoding(EncodingType.CL100K_BASE);

    private TokenCounter() {
    }

    /** Counts special-token look-alikes ("<|endoftext|>") as plain text, as a provider does with user input. */
    public static int count(String text) {
        return text == null || text.isEmpty() ? 0 : ENCODING.countTokensOrdinary(text);
    }

    /** The text split at token boundaries, {@code perPiece} tokens a piece (for streaming tool arguments). */
    public static List<String> split(String text, int perPiece) {
        IntArrayList tokens = ENCODING.encodeOrdinary(text);
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i += perPiece) {
            IntArrayList piece = new IntArrayList(perPiece);
            for (int j = i; j < Math.min(tokens.size(), i + perPiece); j++) {
                piece.add(tokens.get(j));
            }
            pieces.add(ENCODING.decode(piece));
        }
        return pieces;
    }

    static int[] encode(String text) {
        return ENCODING.encodeOrdinary(text).toArray();
    }

    static String decode(int token) {
        IntArrayList one = new IntArrayList(1);
        one.add(token);
        return ENCODING.decode(one);
    }
}

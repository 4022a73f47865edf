package io.llmgateway.simulator.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/** Hashes a prompt piece by piece and marks cache boundaries along the way. */
final class PromptPrefix {

    private final MessageDigest digest;
    private final List<CachePrefix> marks = new ArrayList<>();

    PromptPrefix() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void add(String piece) {
        digest.update(piece.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }

    /** A boundary after everything added so far, worth {@code tokens} prompt tokens. */
    void mark(int tokens) {
        try {
            byte[] hash = ((MessageDigest) digest.clone()).digest();
            marks.add(new CachePrefix(ByteBuffer.wrap(hash).getLong(), tokens));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    List<CachePrefix> marks() {
        return marks;
    }
}

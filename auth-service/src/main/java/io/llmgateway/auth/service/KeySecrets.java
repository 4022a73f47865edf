package io.llmgateway.auth.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Key secrets: made from SecureRandom, stored only as their SHA-256 hex, compared in constant time
 * so response timing says nothing about how much of a guessed hash matched.
 */
public final class KeySecrets {

    public static final String PREFIX = "sk-gw-v1-";
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeySecrets() {
    }

    /** A new secret: the prefix and 64 hex characters (256 random bits). */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + HexFormat.of().formatHex(bytes);
    }

    public static String hash(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    /** Whether {@code secret} hashes to {@code storedHash}, in time independent of where they differ. */
    public static boolean matches(String secret, String storedHash) {
        if (secret == null || storedHash == null) {
            return false;
        }
        return MessageDigest.isEqual(hash(secret).getBytes(StandardCharsets.US_ASCII),
                storedHash.getBytes(StandardCharsets.US_ASCII));
    }

    /** What may be shown of a secret: the prefix, three characters, an ellipsis and the last three. */
    public static String label(String secret) {
        return secret.substring(0, PREFIX.length() + 3) + "..." + secret.substring(secret.length() - 3);
    }

    /** Whether a path segment can be a key hash at all (anything else is an unknown key). */
    public static boolean isHash(String value) {
        return value != null && HASH.matcher(value).matches();
    }
}

package io.llmgateway.auth.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeySecretsTest {

    @Test
    void secretsHaveTheGatewayFormatAndAreNeverRepeated() {
        String a = KeySecrets.newSecret();
        String b = KeySecrets.newSecret();
        assertTrue(a.matches("sk-gw-v1-[0-9a-f]{64}"), a);
        assertNotEquals(a, b);
    }

    @Test
    void hashIsSha256Hex() {
        // SHA-256("abc") from FIPS 180-2
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", KeySecrets.hash("abc"));
        assertTrue(KeySecrets.isHash(KeySecrets.hash(KeySecrets.newSecret())));
    }

    @Test
    void matchesOnlyTheRightSecret() {
        String secret = KeySecrets.newSecret();
        String hash = KeySecrets.hash(secret);
        assertTrue(KeySecrets.matches(secret, hash));
        assertFalse(KeySecrets.matches(secret + "x", hash));
        assertFalse(KeySecrets.matches(secret, hash.substring(1)));
        assertFalse(KeySecrets.matches(null, hash));
        assertFalse(KeySecrets.matches(secret, null));
    }

    @Test
    void labelShowsTooLittleToRebuildTheSecret() {
        String secret = "sk-gw-v1-abc" + "0".repeat(58) + "xyz";
        assertEquals("sk-gw-v1-abc...xyz", KeySecrets.label(secret));
    }

    @Test
    void onlyLowercaseHexOfLength64IsAHash() {
        assertFalse(KeySecrets.isHash("' OR '1'='1"));
        assertFalse(KeySecrets.isHash("A".repeat(64)));
        assertFalse(KeySecrets.isHash("0".repeat(63)));
        assertTrue(KeySecrets.isHash("0".repeat(64)));
    }
}

package io.llmgateway.simulator.protocol;

/**
 * A prompt prefix a provider may cache: a hash of everything up to a cache boundary and its token count.
 *
 * @param hash   first 64 bits of the SHA-256 of the prefix
 * @param tokens prompt tokens up to the boundary
 */
public record CachePrefix(long hash, int tokens) {
}

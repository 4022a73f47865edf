package io.llmgateway.routing.canonical;

/** What a canonical request asks a model for: a chat completion, or embeddings of its input. */
public enum RequestKind {
    CHAT,
    EMBEDDINGS
}

package io.llmgateway.platform.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Quarkus REST ships its own mappers for Jackson failures (bad JSON, wrong types, unknown fields)
 * that answer without our envelope; being more specific than the catch-all {@link GatewayExceptionMapper}
 * they would win. These hand such failures back to it, so every 400 carries the envelope.
 */
public final class JsonInputExceptionMappers {

    private static final GatewayExceptionMapper ENVELOPE = new GatewayExceptionMapper();

    private JsonInputExceptionMappers() {
    }

    @Provider
    public static class MismatchedInput implements ExceptionMapper<MismatchedInputException> {
        @Override
        public Response toResponse(MismatchedInputException failure) {
            return ENVELOPE.toResponse(failure);
        }
    }

    @Provider
    public static class JsonProcessing implements ExceptionMapper<JsonProcessingException> {
        @Override
        public Response toResponse(JsonProcessingException failure) {
            return ENVELOPE.toResponse(failure);
        }
    }
}

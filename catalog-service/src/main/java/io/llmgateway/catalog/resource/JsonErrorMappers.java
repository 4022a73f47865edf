package io.llmgateway.catalog.resource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.llmgateway.contracts.error.GatewayExceptionMapper;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Quarkus REST ships its own mappers for Jackson failures (bad JSON, wrong types, unknown fields) that
 * answer without our envelope; being more specific than the shared Throwable mapper they would win.
 * These hand such failures back to the shared mapper so every 400 has the OpenRouter envelope.
 */
public final class JsonErrorMappers {

    private static final GatewayExceptionMapper SHARED = new GatewayExceptionMapper();

    private JsonErrorMappers() {
    }

    @Provider
    public static class MismatchedInput implements ExceptionMapper<MismatchedInputException> {
        @Override
        public Response toResponse(MismatchedInputException failure) {
            return SHARED.toResponse(failure);
        }
    }

    @Provider
    public static class JsonProcessing implements ExceptionMapper<JsonProcessingException> {
        @Override
        public Response toResponse(JsonProcessingException failure) {
            return SHARED.toResponse(failure);
        }
    }
}

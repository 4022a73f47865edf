package io.llmgateway.platform.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.llmgateway.contracts.error.ErrorEnvelope;
import io.llmgateway.contracts.error.GatewayException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Maps every exception that leaves a resource to the OpenRouter error envelope. Client mistakes
 * (bad JSON, wrong types, unknown fields, unknown paths) become 4xx with a message saying what was
 * wrong; anything unexpected becomes a 500 with a generic message and is logged here, never sent.
 */
@Provider
public class GatewayExceptionMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(GatewayExceptionMapper.class);

    @Override
    public Response toResponse(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof GatewayException ge) {
            Response.ResponseBuilder builder = respond(ge.status(), ge.toEnvelope());
            ge.headers().forEach(builder::header);
            return builder.build();
        }
        if (cause instanceof UnrecognizedPropertyException upe) {
            return respond(400, ErrorEnvelope.of(400, "Unknown field '" + upe.getPropertyName() + "'"
                    + where(upe))).build();
        }
        if (cause instanceof InvalidFormatException ife) {
            return respond(400, ErrorEnvelope.of(400, "Invalid value for " + path(ife) + ": expected "
                    + ife.getTargetType().getSimpleName())).build();
        }
        if (cause instanceof MismatchedInputException mie) {
            return respond(400, ErrorEnvelope.of(400, "Wrong type for " + path(mie))).build();
        }
        if (cause instanceof JsonProcessingException jpe) {
            return respond(400, ErrorEnvelope.of(400, "Malformed JSON: " + jpe.getOriginalMessage())).build();
        }
        if (cause instanceof WebApplicationException wae) {
            int status = wae.getResponse().getStatus();
            if (status >= 500) {
                LOG.errorf(wae, "request failed with status %d", status);
            }
            return respond(status, ErrorEnvelope.of(status, safeMessage(status, wae))).build();
        }
        LOG.error("unexpected failure while serving a request", cause);
        return respond(500, ErrorEnvelope.of(500, "Internal error; the request was not completed")).build();
    }

    private static Response.ResponseBuilder respond(int status, ErrorEnvelope envelope) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(envelope);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while (current.getCause() != null && current.getCause() != current
                && !(current instanceof GatewayException) && !(current instanceof JsonProcessingException)
                && !(current instanceof WebApplicationException)) {
            current = current.getCause();
        }
        return current;
    }

    private static String path(MismatchedInputException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
        return path.isEmpty() ? "request body" : "'" + path + "'";
    }

    private static String where(UnrecognizedPropertyException e) {
        String path = path(e);
        return path.equals("request body") ? "" : " at " + path;
    }

    private static String safeMessage(int status, WebApplicationException e) {
        return switch (status) {
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 406 -> "Not acceptable";
            case 413 -> "Request body too large";
            case 415 -> "Unsupported media type; send application/json";
            default -> status >= 500 ? "Internal error; the request was not completed"
                    : (e.getMessage() == null ? "Bad request" : e.getMessage());
        };
    }
}

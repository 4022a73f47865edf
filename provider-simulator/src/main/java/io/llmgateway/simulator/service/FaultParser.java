package io.llmgateway.simulator.service;

import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.simulator.model.Fault;
import io.llmgateway.simulator.model.Fault.Kind;

/** Parses the fault strings of the /sim API; every mistake is a 400 that says what was expected. */
public final class FaultParser {

    static final String FORMS = "none, status:<code>[:<error code>], reset, hang, slow-first-token:<ms>, "
            + "cut-after:<n>, stall-after:<n>:<ms>, malformed-at:<n>, no-done";

    private FaultParser() {
    }

    public static Fault parse(String text) {
        if (text == null || text.isBlank()) {
            throw bad(text, "empty fault type");
        }
        String[] parts = text.split(":", -1);
        String name = parts[0];
        switch (name) {
            case "none", "reset", "hang", "no-done" -> {
                arity(text, parts, 1, 1);
                Kind kind = switch (name) {
                    case "none" -> Kind.NONE;
                    case "reset" -> Kind.RESET;
                    case "hang" -> Kind.HANG;
                    default -> Kind.NO_DONE;
                };
                return new Fault(kind, 0, null, 0, 0, text);
            }
            case "status" -> {
                arity(text, parts, 2, 3);
                int status = (int) number(text, parts[1], 100, 599);
                String code = parts.length == 3 ? parts[2] : null;
                if (code != null && code.isBlank()) {
                    throw bad(text, "the error code after the status must not be empty");
                }
                return new Fault(Kind.STATUS, status, code, 0, 0, text);
            }
            case "slow-first-token" -> {
                arity(text, parts, 2, 2);
                return new Fault(Kind.SLOW_FIRST_TOKEN, 0, null, 0, number(text, parts[1], 0, 3_600_000), text);
            }
            case "cut-after", "malformed-at" -> {
                arity(text, parts, 2, 2);
                int n = (int) number(text, parts[1], name.equals("cut-after") ? 0 : 1, 1_000_000);
                return new Fault(name.equals("cut-after") ? Kind.CUT_AFTER : Kind.MALFORMED_AT, 0, null, n, 0, text);
            }
            case "stall-after" -> {
                arity(text, parts, 3, 3);
                int n = (int) number(text, parts[1], 0, 1_000_000);
                return new Fault(Kind.STALL_AFTER, 0, null, n, number(text, parts[2], 0, 3_600_000), text);
            }
            default -> throw bad(text, "unknown fault type '" + name + "'");
        }
    }

    private static void arity(String text, String[] parts, int min, int max) {
        if (parts.length < min || parts.length > max) {
            throw bad(text, "wrong number of ':' parts");
        }
    }

    private static long number(String text, String value, long min, long max) {
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw bad(text, "'" + value + "' is not a whole number");
        }
        if (n < min || n > max) {
            throw bad(text, value + " is outside " + min + ".." + max);
        }
        return n;
    }

    private static GatewayException bad(String text, String why) {
        return GatewayException.badRequest("invalid fault type '" + text + "': " + why + "; expected one of " + FORMS);
    }
}

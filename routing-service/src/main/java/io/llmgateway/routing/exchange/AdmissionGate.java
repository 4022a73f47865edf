package io.llmgateway.routing.exchange;

import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.routing.admission.Admission;
import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * One exchange's admission: asked once, at once or (optimistic) once the first attempt has been
 * written, and what reaches the client first, held until the admission answered yes. State only;
 * the {@link Exchange} decides what an answer means.
 */
final class AdmissionGate {

    private static final String UNAVAILABLE = "Gateway state store unavailable; retry shortly";

    private final Supplier<Future<Admission.Ticket>> admission;
    /** Optimistic: the admission waits until the first attempt is written. */
    private boolean deferred;
    /** Null until the admission answered yes. */
    private Admission.Ticket ticket;
    /** What reaches the client first, held until the admission answered. */
    private Runnable held;

    AdmissionGate(Supplier<Future<Admission.Ticket>> admission, boolean optimistic) {
        this.admission = admission;
        this.deferred = optimistic;
    }

    /** Asks the admission; any failure that is not a refusal is a 503. */
    Future<Admission.Ticket> ask() {
        try {
            return admission.get();
        } catch (RuntimeException e) { // never leave a started attempt without an answer
            return Future.failedFuture(new GatewayException(503, UNAVAILABLE));
        }
    }

    static GatewayException refusal(Throwable cause) {
        return cause instanceof GatewayException ge ? ge : new GatewayException(503, UNAVAILABLE);
    }

    /** True once, when an optimistic admission still waits to be asked. */
    boolean takeDeferred() {
        boolean was = deferred;
        deferred = false;
        return was;
    }

    Admission.Ticket ticket() {
        return ticket;
    }

    boolean admitted() {
        return ticket != null;
    }

    /** The admission answered yes: returns what was held for it (null if nothing). */
    Runnable admit(Admission.Ticket ticket) {
        this.ticket = ticket;
        Runnable first = held;
        held = null;
        return first;
    }

    /** Holds what writes to the client first until the admission answers. */
    void hold(Runnable first) {
        held = first;
    }

    void drop() {
        held = null;
    }
}

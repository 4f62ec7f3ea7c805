package dev.tlsprovenance.outbound;

/** The next hop for a domain is this server itself: sending would only loop (Postfix: "mail for X loops back to myself"). */
public final class RoutingLoopException extends Exception {
    private static final long serialVersionUID = 1L;

    public RoutingLoopException(String message) {
        super(message);
    }
}

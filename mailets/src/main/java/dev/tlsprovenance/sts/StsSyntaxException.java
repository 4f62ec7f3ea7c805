package dev.tlsprovenance.sts;

/**
 * An MTA-STS TXT record or policy that does not follow its RFC 8461 grammar, with the place of the fault: the
 * 1-based line of a policy (0 for a TXT record or for the policy as a whole) and the key concerned (empty when
 * the fault is not in one field).
 */
public final class StsSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final String key;
    private final String problem;

    public StsSyntaxException(int line, String key, String problem) {
        super((line > 0 ? "line " + line + ": " : "") + (key.isEmpty() ? "" : "key '" + key + "': ") + problem);
        this.line = line;
        this.key = key;
        this.problem = problem;
    }

    /** The 1-based line of the policy, or 0. */
    public int line() {
        return line;
    }

    /** The key of the faulty field, or empty. */
    public String key() {
        return key;
    }

    /** What is wrong, without the place. */
    public String problem() {
        return problem;
    }
}

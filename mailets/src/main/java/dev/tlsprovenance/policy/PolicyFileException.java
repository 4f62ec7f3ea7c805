package dev.tlsprovenance.policy;

/**
 * A policy file was rejected as a whole. The message names the file, the line and the problem, e.g.
 * {@code tls-policy.conf line 12: unknown outbound level 'verfy' (expected one of none, may, ...)}.
 */
public final class PolicyFileException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final String problem;

    /**
     * @param line 1-based line number, or 0 when the problem concerns the whole file (e.g. unreadable)
     */
    public PolicyFileException(String source, int line, String problem) {
        this(source, line, problem, null);
    }

    public PolicyFileException(String source, int line, String problem, Throwable cause) {
        super(line > 0 ? source + " line " + line + ": " + problem : source + ": " + problem, cause);
        this.source = source;
        this.line = line;
        this.problem = problem;
    }

    public String source() {
        return source;
    }

    public int line() {
        return line;
    }

    public String problem() {
        return problem;
    }
}

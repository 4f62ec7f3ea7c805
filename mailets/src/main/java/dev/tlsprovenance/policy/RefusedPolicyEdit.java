package dev.tlsprovenance.policy;

import java.time.Instant;
import java.util.Objects;

/** An edit of the policy file that was not installed: when it was seen and why it was refused (file:line: problem). */
public final class RefusedPolicyEdit {
    private final Instant at;
    private final String reason;

    public RefusedPolicyEdit(Instant at, String reason) {
        this.at = Objects.requireNonNull(at, "at");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Instant at() {
        return at;
    }

    public String reason() {
        return reason;
    }

    /** Whether a good table was loaded after this refusal, so the file on disk is again the table in force. */
    public boolean supersededBy(Instant loadedAt) {
        return loadedAt != null && loadedAt.isAfter(at);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RefusedPolicyEdit && at.equals(((RefusedPolicyEdit) o).at)
                && reason.equals(((RefusedPolicyEdit) o).reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(at, reason);
    }

    @Override
    public String toString() {
        return "refused at " + at + ": " + reason;
    }
}

package dev.tlsprovenance.policy;

/** Where hooks, mailets and matchers get the policy table in force right now. */
@FunctionalInterface
public interface TlsPolicySource {
    /** The current table; cheap enough to call once per SMTP command. */
    TlsPolicyTable current();

    static TlsPolicySource fixed(TlsPolicyTable table) {
        return () -> table;
    }
}

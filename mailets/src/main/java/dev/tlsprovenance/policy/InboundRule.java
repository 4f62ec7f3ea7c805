package dev.tlsprovenance.policy;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a namespace demands of SMTP sessions that deliver mail to (or from) it. */
public enum InboundRule {
    /** Accept cleartext; TLS is only recorded. */
    NONE("none"),
    /** TLS (STARTTLS or implicit) is required. */
    REQUIRE("require"),
    /** TLS with a client certificate that is verified and matches the row's constraints. */
    REQUIRE_VERIFIED_CLIENT_CERT("require-verified-client-cert");

    private static final String EXPECTED = Arrays.stream(values())
            .map(InboundRule::token)
            .collect(Collectors.joining(", "));

    private final String token;

    InboundRule(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }

    public boolean requiresTls() {
        return this != NONE;
    }

    public boolean requiresClientCertificate() {
        return this == REQUIRE_VERIFIED_CLIENT_CERT;
    }

    /**
     * @throws IllegalArgumentException naming the bad value and the accepted ones
     */
    public static InboundRule parse(String token) {
        String wanted = token == null ? "" : token.trim().toLowerCase(Locale.ROOT);
        for (InboundRule rule : values()) {
            if (rule.token.equals(wanted)) {
                return rule;
            }
        }
        throw new IllegalArgumentException("unknown inbound rule '" + token + "' (expected one of " + EXPECTED + ")");
    }
}

package dev.tlsprovenance.distribution.webadmin;

import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.SignatureAlgorithm;

/**
 * WebAdmin bearer tokens, signed with jjwt (the JWT library James 3.8.1 checks them with). James's {@code JwtFilter}
 * accepts a token whose RS256 signature verifies with {@code jwt.publickeypem.url}, that is not expired, whose
 * {@code sub} is not empty and whose {@code admin} claim is {@code true}.
 */
public final class AdminTokens {
    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);
    public static final Duration MAXIMUM_LIFETIME = Duration.ofDays(366);
    public static final String DEFAULT_SUBJECT = "admin";

    private AdminTokens() {
    }

    public static String issue(PrivateKey signingKey, String subject, Instant issuedAt, Instant expiresAt) {
        return Jwts.builder()
            .setSubject(subject)
            .claim("admin", true)
            .setIssuedAt(Date.from(issuedAt))
            .setExpiration(Date.from(expiresAt))
            .signWith(signingKey, SignatureAlgorithm.RS256)
            .compact();
    }
}

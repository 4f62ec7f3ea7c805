package dev.tlsprovenance.health;

import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.reactivestreams.Publisher;

import dev.tlsprovenance.policy.RefusedPolicyEdit;
import dev.tlsprovenance.policy.ReloadingTlsPolicySource;
import dev.tlsprovenance.policy.TlsPolicySource;
import reactor.core.publisher.Mono;

/**
 * Degraded while the last edit of {@code tls-policy.conf} was refused: the rules in force are older than the file on
 * disk. Register it in {@code conf/healthcheck.properties}:
 * <pre>
 * additional.healthchecks=dev.tlsprovenance.health.TlsPolicyHealthCheck
 * </pre>
 */
public final class TlsPolicyHealthCheck implements HealthCheck {
    public static final ComponentName COMPONENT = new ComponentName("TLS policy");

    private final TlsPolicySource policy;

    @Inject
    public TlsPolicyHealthCheck(TlsPolicySource policy) {
        this.policy = policy;
    }

    @Override
    public ComponentName componentName() {
        return COMPONENT;
    }

    @Override
    public Publisher<Result> check() {
        return Mono.fromCallable(this::judge);
    }

    private Result judge() {
        if (!(policy instanceof ReloadingTlsPolicySource)) {
            return Result.healthy(COMPONENT);
        }
        ReloadingTlsPolicySource source = (ReloadingTlsPolicySource) policy;
        source.current(); // sees an edit made since the last mail, as the next mail would
        Optional<RefusedPolicyEdit> refused = source.lastRefusedEdit();
        if (refused.isEmpty() || refused.get().supersededBy(source.loadedAt())) {
            return Result.healthy(COMPONENT);
        }
        return Result.degraded(COMPONENT, "the edit of " + source.file() + " seen at " + refused.get().at()
                + " was refused: " + refused.get().reason() + ". The table loaded at " + source.loadedAt()
                + " stays in force; fix the file (GET /tls/policy shows the rules in force)");
    }
}

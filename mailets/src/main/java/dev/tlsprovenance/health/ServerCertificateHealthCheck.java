package dev.tlsprovenance.health;

import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.reactivestreams.Publisher;

import dev.tlsprovenance.servercert.CertificateAssessment;
import dev.tlsprovenance.servercert.ListenerCertificate;
import dev.tlsprovenance.servercert.ServerCertificates;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The certificate each SMTP/IMAP listener presents (the same handshakes as {@code GET /tls/certificates}):
 * unhealthy when one has expired or does not name the listener's host name, degraded when one expires within
 * {@value CertificateAssessment#RENEW_WITHIN_DAYS} days or a listener could not be reached. Register it in
 * {@code conf/healthcheck.properties}:
 * <pre>
 * additional.healthchecks=dev.tlsprovenance.health.ServerCertificateHealthCheck
 * </pre>
 */
public final class ServerCertificateHealthCheck implements HealthCheck {
    public static final ComponentName COMPONENT = new ComponentName("TLS server certificate");

    private final ServerCertificates certificates;

    @Inject
    public ServerCertificateHealthCheck(ServerCertificates certificates) {
        this.certificates = certificates;
    }

    @Override
    public ComponentName componentName() {
        return COMPONENT;
    }

    @Override
    public Publisher<Result> check() {
        return Mono.fromCallable(this::judge).subscribeOn(Schedulers.boundedElastic());
    }

    private Result judge() {
        List<String> unhealthy = new ArrayList<>();
        List<String> degraded = new ArrayList<>();
        for (ListenerCertificate certificate : certificates.current()) {
            String listener = certificate.listener().protocol().token() + " listener on port " + certificate.listener().port();
            if (certificate.assessment().isEmpty()) {
                degraded.add(listener + ": no certificate seen (" + certificate.error().orElse("") + ")");
                continue;
            }
            CertificateAssessment assessment = certificate.assessment().get();
            String problem = listener + ": certificate " + assessment.subject() + " " + assessment.problem().orElse("");
            if (assessment.severity() == CertificateAssessment.Severity.UNHEALTHY) {
                unhealthy.add(problem);
            } else if (assessment.severity() == CertificateAssessment.Severity.DEGRADED) {
                degraded.add(problem);
            }
        }
        List<String> all = new ArrayList<>(unhealthy);
        all.addAll(degraded);
        String cause = String.join("; ", all) + (all.isEmpty() ? "" : ". Replace the keystore of the listener"
                + " (conf/smtpserver.xml, conf/imapserver.xml) and restart; GET /tls/certificates shows every listener");
        if (!unhealthy.isEmpty()) {
            return Result.unhealthy(COMPONENT, cause);
        }
        return degraded.isEmpty() ? Result.healthy(COMPONENT) : Result.degraded(COMPONENT, cause);
    }
}

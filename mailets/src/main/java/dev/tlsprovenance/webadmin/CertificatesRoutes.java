package dev.tlsprovenance.webadmin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.JsonTransformer;

import dev.tlsprovenance.servercert.CertificateAssessment;
import dev.tlsprovenance.servercert.ListenerCertificate;
import dev.tlsprovenance.servercert.ServerCertificates;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * Each SMTP and IMAP listener's certificate as a client sees it (a real handshake on loopback, cached a few minutes):
 * subject, SANs, issuer, expiry, chain status against the JDK's default trust store, host-name match. Register it in
 * {@code conf/webadmin.properties}:
 * <pre>
 * extensions.routes=dev.tlsprovenance.webadmin.CertificatesRoutes
 * </pre>
 * {@code GET /tls/certificates}. Private: James's token check applies. See {@code docs/posture.md}.
 */
public final class CertificatesRoutes implements Routes {
    public static final String BASE = "/tls/certificates";

    private final ServerCertificates certificates;
    private final JsonTransformer json = new JsonTransformer();

    @Inject
    public CertificatesRoutes(ServerCertificates certificates) {
        this.certificates = certificates;
    }

    @Override
    public String getBasePath() {
        return BASE;
    }

    @Override
    public void define(Service service) {
        service.get(BASE, this::list, json);
    }

    private List<Map<String, Object>> list(Request request, Response response) {
        return certificates.current().stream().map(CertificatesRoutes::entry).collect(Collectors.toList());
    }

    static Map<String, Object> entry(ListenerCertificate certificate) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("listener", certificate.listener().protocol().token());
        entry.put("port", certificate.listener().port());
        entry.put("mode", certificate.listener().mode().token());
        if (certificate.assessment().isPresent()) {
            CertificateAssessment assessment = certificate.assessment().get();
            entry.put("subject", assessment.subject());
            entry.put("sans", assessment.subjectAltNames());
            entry.put("issuer", assessment.issuer());
            entry.put("not-after", assessment.notAfter().toString());
            entry.put("days-left", assessment.daysLeft());
            entry.put("chain", assessment.chainStatus());
            entry.put("host-name-matches", assessment.hostNameMatches());
            entry.put("host-name", assessment.hostName());
            entry.put("error", null);
        } else {
            entry.put("host-name", certificate.listener().helloName());
            entry.put("error", certificate.error().orElse("unknown"));
        }
        return entry;
    }
}

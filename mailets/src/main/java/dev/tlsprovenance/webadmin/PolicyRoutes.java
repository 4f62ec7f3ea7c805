package dev.tlsprovenance.webadmin;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.ErrorResponder;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.eclipse.jetty.http.HttpStatus;

import dev.tlsprovenance.policy.ClientCertificateConstraints;
import dev.tlsprovenance.policy.DomainNames;
import dev.tlsprovenance.policy.NamespacePolicy;
import dev.tlsprovenance.policy.OutboundPolicy;
import dev.tlsprovenance.policy.PolicyExplanation;
import dev.tlsprovenance.policy.RefusedPolicyEdit;
import dev.tlsprovenance.policy.ReloadingTlsPolicySource;
import dev.tlsprovenance.policy.TlsPolicySource;
import dev.tlsprovenance.policy.TlsPolicyTable;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * The TLS policy in force, read through the same {@link TlsPolicySource} (and lookup) the hooks and mailets use.
 * Register it in {@code conf/webadmin.properties}:
 * <pre>
 * extensions.routes=dev.tlsprovenance.webadmin.PolicyRoutes
 * </pre>
 * {@code GET /tls/policy}: every row with its keys, when the table was loaded and the last refused edit;
 * {@code GET /tls/policy/check?domain=d}: the row that applies to {@code d}, with a sentence per direction.
 * Private: James's token check applies. See {@code docs/posture.md}.
 */
public final class PolicyRoutes implements Routes {
    public static final String BASE = "/tls/policy";
    public static final String CHECK = BASE + "/check";
    static final String DOMAIN_PARAMETER = "domain";

    private final TlsPolicySource policy;
    private final JsonTransformer json = new JsonTransformer();

    @Inject
    public PolicyRoutes(TlsPolicySource policy) {
        this.policy = policy;
    }

    @Override
    public String getBasePath() {
        return BASE;
    }

    @Override
    public void define(Service service) {
        service.get(BASE, this::table, json);
        service.get(CHECK, this::check, json);
    }

    private Map<String, Object> table(Request request, Response response) {
        TlsPolicyTable table = policy.current();
        Map<String, Object> body = new LinkedHashMap<>();
        Optional<ReloadingTlsPolicySource> reloading = reloading();
        body.put("file", reloading.map(source -> source.file().toString()).orElse(null));
        body.put("loaded-at", reloading.map(source -> source.loadedAt().toString()).orElse(null));
        body.put("default-row", table.defaultPolicy().source());
        body.put("rows", table.rows().stream().map(PolicyRoutes::row).collect(Collectors.toList()));
        body.put("last-refused-edit", reloading.flatMap(ReloadingTlsPolicySource::lastRefusedEdit)
                .map(refused -> refusedEdit(refused, reloading.get())).orElse(null));
        return body;
    }

    private Map<String, Object> check(Request request, Response response) {
        String written = request.queryParams(DOMAIN_PARAMETER);
        String domain = written == null ? "" : written.trim();
        // strict: a '.suffix', an address or a name with spaces is not a domain one can ask about
        Optional<String> canonical = DomainNames.strictCanonical(domain);
        if (canonical.isEmpty()) {
            throw ErrorResponder.builder()
                    .statusCode(HttpStatus.BAD_REQUEST_400)
                    .type(ErrorResponder.ErrorType.INVALID_ARGUMENT)
                    .message("query parameter '" + DOMAIN_PARAMETER + "' must be a domain name such as example.org, not '"
                            + (written == null ? "" : written) + "'")
                    .haltError();
        }
        return check(policy.current(), canonical.get());
    }

    /** The reply of {@code /tls/policy/check} for a domain in canonical form: the row {@link TlsPolicyTable#lookup} finds. */
    static Map<String, Object> check(TlsPolicyTable table, String domain) {
        NamespacePolicy row = table.lookup(domain);
        boolean builtIn = row.equals(NamespacePolicy.builtInDefault());
        Map<String, Object> inbound = new LinkedHashMap<>();
        inbound.put("rule", row.inbound().token());
        inbound.put("cleartext-reply", row.cleartextReply().token());
        inbound.put("require-tls-from-senders", row.requireTlsFromSenders());
        inbound.put("says", PolicyExplanation.inbound(domain, row));
        Map<String, Object> outbound = new LinkedHashMap<>();
        outbound.put("level", row.outbound().level().token());
        outbound.put("says", PolicyExplanation.outbound(domain, row));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("domain", domain);
        body.put("row", builtIn ? null : row.source());
        body.put("namespace", row.namespace());
        body.put("inbound", inbound);
        body.put("outbound", outbound);
        return body;
    }

    /** Every key of the row, named as in {@code tls-policy.conf}; passwords are never shown. */
    static Map<String, Object> row(NamespacePolicy row) {
        OutboundPolicy outbound = row.outbound();
        ClientCertificateConstraints client = row.clientCertificate();
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("row", row.source());
        keys.put("namespace", row.namespace());
        keys.put("inbound", row.inbound().token());
        keys.put("require-tls-from-senders", row.requireTlsFromSenders());
        keys.put("cleartext-reply", row.cleartextReply().token());
        keys.put("client-ca", path(client.trustAnchors()));
        keys.put("client-crl", path(client.revocationLists()));
        keys.put("client-names", List.copyOf(new TreeSet<>(client.expectedNames())));
        keys.put("client-pins", List.copyOf(new TreeSet<>(client.pinsSha256())));
        keys.put("outbound", outbound.level().token());
        keys.put("match", outbound.matchNames());
        keys.put("pins", List.copyOf(new TreeSet<>(outbound.pinsSha256())));
        keys.put("ca", path(outbound.trustAnchors()));
        keys.put("crl", path(outbound.revocationLists()));
        keys.put("min-protocol", outbound.minProtocol());
        keys.put("client-cert", outbound.clientIdentity().map(identity -> identity.keyStore().toString()).orElse(null));
        keys.put("route", outbound.routes().stream().map(PolicyExplanation::route).collect(Collectors.toList()));
        return keys;
    }

    private static Map<String, Object> refusedEdit(RefusedPolicyEdit refused, ReloadingTlsPolicySource source) {
        Map<String, Object> edit = new LinkedHashMap<>();
        edit.put("at", refused.at().toString());
        edit.put("reason", refused.reason());
        edit.put("superseded", refused.supersededBy(source.loadedAt()));
        return edit;
    }

    private static String path(Optional<Path> path) {
        return path.map(Path::toString).orElse(null);
    }

    private Optional<ReloadingTlsPolicySource> reloading() {
        return policy instanceof ReloadingTlsPolicySource ? Optional.of((ReloadingTlsPolicySource) policy) : Optional.empty();
    }
}

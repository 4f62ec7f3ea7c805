package dev.tlsprovenance.cli.doctor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tlsprovenance.dane.DnssecLookups;
import dev.tlsprovenance.dane.TlsaRecord;

/**
 * The DNS records (and the MTA-STS policy file) that let other servers send to this one securely:
 * <ul>
 *   <li>a TLSA {@code 3 1 1} record (DANE-EE, SPKI, SHA-256: RFC 7672's recommended form, which survives certificate
 *       renewals that keep the key) at {@code _25._tcp.<host>} for each SMTP host name and its certificate;</li>
 *   <li>an MTA-STS TXT record {@code _mta-sts.<domain>} and the policy file served at
 *       {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} (RFC 8461), in {@code testing} mode: a domain
 *       moves to {@code enforce} once the TLS-RPT reports show no failures;</li>
 *   <li>a TLS-RPT TXT record {@code _smtp._tls.<domain>} (RFC 8460) asking for reports by mail.</li>
 * </ul>
 * The MTA-STS {@code id} is derived from the policy text, so it changes exactly when the policy does (RFC 8461
 * section 3.1 asks for a new id with every policy change).
 */
public final class PublishedRecords {
    static final String MTA_STS_MODE = "testing";
    static final long MTA_STS_MAX_AGE = 604800;
    static final String TLS_RPT_MAILBOX = "tls-reports";

    private final List<DnsRecord> records;
    private final Map<String, String> mtaStsPolicies;

    private PublishedRecords(List<DnsRecord> records, Map<String, String> mtaStsPolicies) {
        this.records = List.copyOf(records);
        this.mtaStsPolicies = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(mtaStsPolicies));
    }

    /**
     * @param certificates SMTP host name -> the certificate its listener presents (leaf), in listener order
     * @param mxHosts      the host names peers connect to for mail (the MX targets), for the MTA-STS {@code mx:} lines
     * @param domains      the mail domains served
     */
    public static PublishedRecords of(Map<String, X509Certificate> certificates, List<String> mxHosts, List<String> domains) {
        List<DnsRecord> records = new ArrayList<>();
        certificates.forEach((host, leaf) -> records.add(new DnsRecord("_" + DnssecLookups.SMTP_PORT + "._tcp." + host, "TLSA",
            TlsaRecord.forCertificate(TlsaRecord.DANE_EE, TlsaRecord.SELECTOR_SPKI, TlsaRecord.MATCHING_SHA256, leaf)
                .presentation().toLowerCase(java.util.Locale.ROOT),
            "DANE-EE: SHA-256 of the public key of " + leaf.getSubjectX500Principal().getName()
                + "; publish in a DNSSEC-signed zone, and a new record before a key change")));
        Map<String, String> policies = new LinkedHashMap<>();
        for (String domain : domains) {
            String policy = mtaStsPolicy(mxHosts);
            policies.put(domain, policy);
            records.add(new DnsRecord("_mta-sts." + domain, "TXT", "\"v=STSv1; id=" + policyId(policy) + "\"",
                "MTA-STS: the policy is at https://mta-sts." + domain + "/.well-known/mta-sts.txt (a PKIX certificate for mta-sts."
                    + domain + " is required)"));
            records.add(new DnsRecord("_smtp._tls." + domain, "TXT", "\"v=TLSRPTv1; rua=mailto:" + TLS_RPT_MAILBOX + "@" + domain + "\"",
                "TLS-RPT: senders mail their daily TLS reports to this address"));
        }
        return new PublishedRecords(records, policies);
    }

    static String mtaStsPolicy(List<String> mxHosts) {
        StringBuilder text = new StringBuilder("version: STSv1\r\nmode: " + MTA_STS_MODE + "\r\n");
        for (String mx : mxHosts) {
            text.append("mx: ").append(mx).append("\r\n");
        }
        return text.append("max_age: ").append(MTA_STS_MAX_AGE).append("\r\n").toString();
    }

    /** 1-32 alphanumerics (RFC 8461 section 3.1): the first 20 hex digits of the policy's SHA-256. */
    static String policyId(String policy) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(policy.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<DnsRecord> records() {
        return records;
    }

    /** Domain -> the text of its MTA-STS policy file (CRLF line ends, as RFC 8461 section 3.2 writes it). */
    public Map<String, String> mtaStsPolicies() {
        return mtaStsPolicies;
    }

    public boolean isEmpty() {
        return records.isEmpty();
    }

    public static PublishedRecords none() {
        return new PublishedRecords(List.of(), Map.of());
    }
}

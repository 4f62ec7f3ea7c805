package dev.tlsprovenance.tlsrpt;

import java.io.IOException;
import java.util.List;

/**
 * The TXT records of one DNS name, each record's character-strings already joined (RFC 7208 style: a record
 * {@code "v=TLSRPTv1; " "rua=..."} is one string). An empty list: the name has no TXT record (NXDOMAIN or NODATA).
 * Kept this small so the DNSSEC-validating lookups of the DANE work can stand behind it, as can James's
 * {@code DNSService.findTXTRecords}.
 */
@FunctionalInterface
public interface TxtLookup {
    /** @throws IOException when the lookup failed (timeout, SERVFAIL): not the same as "no record" */
    List<String> txt(String name) throws IOException;
}

package dev.tlsprovenance.cli.checkpeer;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.xbill.DNS.TLSARecord;

import dev.tlsprovenance.dane.DnssecAnswer;
import dev.tlsprovenance.dane.DnssecStatus;
import dev.tlsprovenance.dane.TlsaRecord;
import dev.tlsprovenance.dane.TlsaRecordSet;

/**
 * The TLSA answer for one next hop ({@code DnssecLookups.tlsaForHost}: RFC 7672's base-domain rules), as check-peer
 * shows it: where it was looked up, its DNSSEC status, and the records.
 */
public record TlsaCheck(String queryName, DnssecStatus status, DnssecAnswer.Outcome outcome, String reason,
                        List<TlsaRecord> records) {

    public TlsaCheck {
        records = List.copyOf(records);
    }

    static TlsaCheck of(DnssecAnswer<TLSARecord> answer) {
        List<TlsaRecord> records = new ArrayList<>();
        for (TLSARecord record : answer.records()) {
            records.add(TlsaRecord.of(record.getCertificateUsage(), record.getSelector(), record.getMatchingType(),
                record.getCertificateAssociationData()));
        }
        return new TlsaCheck(answer.queryName(), answer.status(), answer.outcome(), answer.reason(), records);
    }

    /** Secure records exist: DANE applies to this hop (RFC 7672 section 2.2). */
    public boolean applies() {
        return status == DnssecStatus.SECURE && !records.isEmpty();
    }

    public TlsaRecordSet recordSet() {
        return TlsaRecordSet.of(records);
    }

    /**
     * Where in the chain a record matches, for the listing: {@code leaf}, {@code depth N}, or {@code no match};
     * DANE-TA(2) never counts the leaf, as the verifier does not.
     */
    static String matchIn(TlsaRecord record, List<X509Certificate> chain) {
        for (int depth = record.usage() == TlsaRecord.DANE_TA ? 1 : 0; depth < chain.size(); depth++) {
            if (record.usage() == TlsaRecord.DANE_EE && depth > 0) {
                break;
            }
            if (record.matches(chain.get(depth))) {
                return depth == 0 ? "leaf" : "depth " + depth;
            }
        }
        return "no match";
    }
}

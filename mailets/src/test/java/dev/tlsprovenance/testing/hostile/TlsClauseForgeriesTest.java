package dev.tlsprovenance.testing.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.tlsprovenance.verify.ReceivedCorpus;

/** The forgeries are real: each family clause is word for word in a corpus line whose ground truth is {@code tls=yes}. */
class TlsClauseForgeriesTest {

    @Test
    void everyFamilyClauseIsTakenFromATlsLineOfTheCorpus() {
        List<String> tlsLines = ReceivedCorpus.cases().stream()
            .filter(c -> "yes".equals(c.expected.get("tls")))
            .map(c -> c.received)
            .collect(Collectors.toList());

        for (TlsClauseForgeries.FamilyClause clause : TlsClauseForgeries.FAMILY_CLAUSES) {
            assertThat(tlsLines).as(clause.family).anyMatch(line -> line.contains(clause.text));
        }
    }

    @Test
    void domainFormsAreHostNamesAndLocalPartFormsKeepTheirText() {
        assertThat(TlsClauseForgeries.hostNameOf("(using TLSv1.3 with cipher X)"))
            .isEqualTo("using-tlsv1-3-with-cipher-x.test");
        assertThat(TlsClauseForgeries.quotedLocalPart("a \"b\" \\c")).isEqualTo("\"a \\\"b\\\" \\\\c\"");
        assertThat(TlsClauseForgeries.escapedLocalPart("(a b)=c")).isEqualTo("\\(a\\ b\\)=c");
        assertThat(TlsClauseForgeries.atextLocalPart("(version=TLS1_3 cipher=X, y.z)")).isEqualTo("-version=TLS1_3-cipher=X--y-z-");
    }
}

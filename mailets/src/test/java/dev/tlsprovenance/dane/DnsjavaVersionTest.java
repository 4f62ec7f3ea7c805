package dev.tlsprovenance.dane;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The guard against a dnsjava without the CVE-2024-25638 fix (a stock James 3.8.1 ships 3.5.2). */
class DnsjavaVersionTest {

    @Test
    void theTestsRunOnTheDnsjavaTheExtensionIsCompiledAgainst() {
        assertThat(DnssecLookups.dnsjavaVersion()).isEqualTo("3.6.3");
    }

    @Test
    void versionsBefore360AreRefusedAndLaterOnesAccepted() {
        for (String old : new String[] {"3.5.2", "3.5.4", "3.4.1", "2.1.9", "garbage"}) {
            assertThat(DnssecLookups.hasCve202425638Fix(old)).as(old).isFalse();
        }
        for (String fixed : new String[] {"3.6.0", "3.6.3", "3.6.4", "3.7.0", "4.0.0", "3.6.3.SNAPSHOT", "unknown"}) {
            assertThat(DnssecLookups.hasCve202425638Fix(fixed)).as(fixed).isTrue();
        }
    }
}

package dev.tlsprovenance.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RcptOptionsTest {

    @Test
    void theAddressNeverReachesTheParametersWhateverItsWords() {
        List<String> addresses = List.of("<bob@example.test>", "<\"a a\"@example.test>", "<\"NOTIFY=NEVER NOTIFY=NEVER\"@example.test>",
            "<\"x> y <z\"@example.test>", "<@relay.test:bob@example.test>", "bob@example.test");
        for (String address : addresses) {
            for (String prefix : List.of("TO:", "to:", "TO: ", "To:  ")) {
                RcptOptions none = RcptOptions.of(prefix + address);
                assertThat(none.parameters()).as(prefix + address).isEmpty();
                assertThat(none.duplicate()).isEmpty();

                RcptOptions two = RcptOptions.of(prefix + address + " notify=NEVER ORCPT=rfc822;a@b");
                if (address.endsWith(">")) {
                    assertThat(two.parameters()).as(prefix + address).isEqualTo(Map.of("NOTIFY", "NEVER", "ORCPT", "rfc822;a@b"));
                    assertThat(two.duplicate()).isEmpty();
                } else {
                    // James reads no options without the closing bracket; neither do we
                    assertThat(two.parameters()).isEmpty();
                }
            }
        }
    }

    @Test
    void aKeyGivenTwiceIsReportedWhateverItsCaseValueOrPlace() {
        for (String first : List.of("NOTIFY=NEVER", "notify=SUCCESS", "Notify=")) {
            for (String second : List.of("NOTIFY=NEVER", "notify=FAILURE", "NoTiFy=x")) {
                for (String between : List.of(" ", "  ", " ORCPT=rfc822;a@b ")) {
                    String argument = "TO:<bob@example.test> " + first + between + second;
                    assertThat(RcptOptions.of(argument).duplicate()).as(argument).contains("NOTIFY");
                }
            }
        }
        assertThat(RcptOptions.of("TO:<bob@example.test> FLAG FLAG").duplicate()).contains("FLAG");
        assertThat(RcptOptions.of("TO:<bob@example.test> FLAG flag").duplicate()).as("bare keywords keep their case, as in James").isEmpty();
        assertThat(RcptOptions.of("TO:<bob@example.test> A=1 B=2 A=3 B=4").duplicate()).as("the first one").contains("A");
        assertThat(RcptOptions.of("TO:<bob@example.test> A=1 A=3").parameters()).isEqualTo(Map.of("A", "1"));
    }

    @Test
    void malformedOrMissingArgumentsHaveNoParameters() {
        for (String argument : new String[] {null, "", "TO", ":<a@b> X=1", "TO:<a@b>X=1", "TO:<a@b> ", "TO:<a@b>  "}) {
            assertThat(RcptOptions.of(argument).parameters()).as(String.valueOf(argument)).isEmpty();
        }
    }
}

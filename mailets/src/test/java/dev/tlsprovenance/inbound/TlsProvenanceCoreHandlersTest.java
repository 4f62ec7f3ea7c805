package dev.tlsprovenance.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.james.protocols.smtp.core.ReceivedDataLineFilter;
import org.apache.james.protocols.smtp.core.esmtp.AuthCmdHandler;
import org.apache.james.protocols.smtp.core.esmtp.MailSizeEsmtpExtension;
import org.apache.james.smtpserver.CoreCmdHandlerLoader;
import org.apache.james.smtpserver.JamesRcptCmdHandler;
import org.apache.james.smtpserver.SendMailHandler;
import org.junit.jupiter.api.Test;

class TlsProvenanceCoreHandlersTest {

    /** James's handler to the one the package loads in its place. */
    private static final Map<Class<?>, Class<?>> SWAPS = Map.of(
        ReceivedDataLineFilter.class, TlsReceivedDataLineFilter.class,
        AuthCmdHandler.class, TlsRequiredAuthCmdHandler.class,
        MailSizeEsmtpExtension.class, MailSizeWithEnhancedStatus.class,
        JamesRcptCmdHandler.class, RcptOptionsCmdHandler.class);

    private final List<String> handlers = new TlsProvenanceCoreHandlers().getHandlers();

    @Test
    void recordsBeforeSendMailHandlerEndsTheMessageHooks() {
        assertThat(handlers.indexOf(RecordTlsProvenanceHook.class.getName()))
            .isEqualTo(handlers.indexOf(SendMailHandler.class.getName()) - 1);
    }

    @Test
    void keepsEveryOtherCoreHandlerOfTheRunningJames() {
        List<String> swapped = SWAPS.keySet().stream().map(Class::getName).collect(Collectors.toList());
        List<String> core = new CoreCmdHandlerLoader().getHandlers();

        assertThat(handlers).hasSize(core.size() + 1)
            .containsAll(core.stream().filter(handler -> !swapped.contains(handler)).collect(Collectors.toList()));
    }

    /** One Received line per hop, AUTH refused before TLS, 552 5.3.4 after DATA too, RCPT parameters after the address. */
    @Test
    void swapsEachReplacedJamesHandlerForOursAtTheSamePlace() {
        List<String> core = new CoreCmdHandlerLoader().getHandlers();
        SWAPS.forEach((james, ours) -> {
            assertThat(core).as(james.getSimpleName()).contains(james.getName());
            assertThat(handlers).as(james.getSimpleName()).doesNotContain(james.getName()).containsOnlyOnce(ours.getName());
            // RecordTlsProvenanceHook is the one handler added, right before SendMailHandler, after all of these
            assertThat(handlers.indexOf(ours.getName())).as(ours.getSimpleName()).isEqualTo(core.indexOf(james.getName()));
        });
    }
}
